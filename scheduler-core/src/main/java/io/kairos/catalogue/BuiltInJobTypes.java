package io.kairos.catalogue;

import io.kairos.job.JobType;
import io.kairos.jobtype.email.EmailHandler;
import io.kairos.jobtype.log.LogHandler;
import io.kairos.jobtype.noop.NoopHandler;
import io.kairos.jobtype.oauth.OAuthTokenRefreshHandler;
import io.kairos.jobtype.retention.RetentionHandler;
import io.kairos.jobtype.webhook.WebhookHandler;
import java.util.List;

/** The job types every Kairos deployment knows; worker and API build their catalogue from it. */
public final class BuiltInJobTypes {

  private BuiltInJobTypes() {}

  /**
   * Types anyone with {@code jobs:write} may create through the API. A catalogue built from them
   * should add {@code WebhookHandler.targetCheck(..)} for {@code webhook} (see {@link
   * JobCatalogue#withCheck}), so that a forbidden target is refused when the job is created.
   */
  public static List<JobType<?>> all() {
    return List.of(
        NoopHandler.TYPE,
        LogHandler.TYPE,
        EmailHandler.TYPE,
        WebhookHandler.TYPE,
        OAuthTokenRefreshHandler.TYPE);
  }

  /** Types only operators declare, in the workers' configuration ({@code kairos.jobs}). */
  public static List<JobType<?>> operatorOnly() {
    return List.of(RetentionHandler.TYPE);
  }

  /** Everything a worker can run. */
  public static List<JobType<?>> runnable() {
    List<JobType<?>> types = new java.util.ArrayList<>(all());
    types.addAll(operatorOnly());
    return List.copyOf(types);
  }
}
