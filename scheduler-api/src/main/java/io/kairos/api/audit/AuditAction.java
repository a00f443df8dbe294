package io.kairos.api.audit;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Optional;

/** Every kind of change the audit trail records, by the name its entries carry. */
public enum AuditAction {
  JOB_CREATE("job.create"),
  JOB_REPLACE("job.replace"),
  JOB_CHANGE("job.change"),
  JOB_CANCEL("job.cancel"),
  JOB_PAUSE("job.pause"),
  JOB_RESUME("job.resume"),
  JOB_RUN_NOW("job.run-now"),
  JOB_CANCEL_ATTEMPT("job.cancel-attempt"),
  JOB_BACKFILL("job.backfill"),
  GROUP_CANCEL("group.cancel"),
  JOBS_PAUSE("jobs.pause"),
  JOBS_RESUME("jobs.resume"),
  CLUSTER_PAUSE("cluster.pause"),
  CLUSTER_RESUME("cluster.resume"),
  DEAD_JOB_REQUEUE("dead-job.requeue"),
  DEAD_JOBS_REQUEUE("dead-jobs.requeue"),
  DEAD_JOB_DELETE("dead-job.delete"),
  CREDENTIAL_CREATE("credential.create"),
  CREDENTIAL_REAUTHORISE("credential.reauthorise"),
  CREDENTIAL_BIND("credential.bind"),
  CREDENTIAL_RESEAL("credential.reseal"),
  CREDENTIAL_DELETE("credential.delete"),
  SIGN_IN("sign-in"),
  SIGN_IN_FAILED("sign-in.failed"),
  SIGN_OUT("sign-out");

  private final String text;

  AuditAction(String text) {
    this.text = text;
  }

  @JsonValue
  public String text() {
    return text;
  }

  static Optional<AuditAction> parse(String text) {
    return Arrays.stream(values()).filter(a -> a.text.equals(text)).findFirst();
  }
}
