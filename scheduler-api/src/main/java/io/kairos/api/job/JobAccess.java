package io.kairos.api.job;

import io.kairos.api.security.ApiPrincipal;
import io.kairos.control.ControlStore;
import io.kairos.control.OperatorJobs;
import io.kairos.job.OperatorJobException;
import java.util.Collection;
import org.springframework.stereotype.Component;

/**
 * {@link OperatorJobs}'s rule for a request about many jobs at once (the dashboard's forms): when
 * any of them is a job the caller may not change, the whole request is refused before any is
 * changed. Each change checks the rule again in its own transaction.
 */
@Component
public class JobAccess {

  private final ControlStore jobs;

  JobAccess(ControlStore jobs) {
    this.jobs = jobs;
  }

  /**
   * @throws OperatorJobException for the first job of the operators or of Kairos among {@code ids},
   *     unless the caller is an admin
   */
  public void requireAllowed(Collection<String> ids, ApiPrincipal caller, String action) {
    for (String id : ids) {
      OperatorJobs.refuseUnlessAllowed(jobs, id, caller.admin(), action);
    }
  }
}
