package io.kairos.api.job;

import io.kairos.job.JobRequest;
import io.kairos.job.NewJob;

/**
 * What each field of a job's definition means, written once for the bodies that carry one ({@link
 * CreateJobRequest}, {@link ReplaceJobRequest}) and shown in the OpenAPI document. Defaults are the
 * ones the API applies ({@code JobService}) and the workers read.
 */
final class JobFields {

  private JobFields() {}

  static final String ID_PATTERN = "^[A-Za-z0-9._:-]{1,200}$";

  static final String GROUP = "a label to list, cancel or pause jobs together";

  static final String SCHEDULE = "absent means now";

  static final String CONCURRENCY_KEY =
      "the key flow limits per key count this job under (e.g. a customer or tenant id): up to"
          + " 200 characters, not blank, no control characters; it comes before any key the"
          + " limits read from the payload (key-from). Absent: the payload's key, if any";
  static final String CONCURRENCY_KEY_MAX = "" + NewJob.MAX_CONCURRENCY_KEY;

  static final String PRIORITY = "higher runs first among due jobs; default 0";
  static final String PRIORITY_MIN = "-" + NewJob.PRIORITY_LIMIT;
  static final String PRIORITY_MAX = "" + NewJob.PRIORITY_LIMIT;

  static final String MAX_ATTEMPTS =
      "attempts before the job is dead; default " + JobRequest.DEFAULT_MAX_ATTEMPTS;
  static final String MAX_ATTEMPTS_MAX = "" + NewJob.MAX_ATTEMPTS_LIMIT;

  static final String TIMEOUT =
      "ISO-8601 duration, PT1S to PT24H: the longest one attempt may run, after which it is"
          + " interrupted and recorded TIMED_OUT; absent means the timeout the worker sets for the"
          + " job's type (kairos.worker.type-timeouts), else its kairos.worker.default-timeout"
          + " (PT1H unless configured)";

  /** The timeout as a job shows it. */
  static final String TIMEOUT_SHOWN =
      "ISO-8601 duration; null means the timeout the worker sets for the job's type, else its"
          + " kairos.worker.default-timeout (PT1H unless configured)";

  static final String MISFIRE_GRACE =
      "how late a one-time job may still start: an ISO-8601 duration, PT0S to P7D, or \"none\" to"
          + " run it however late; absent or null means the cluster's default"
          + " (kairos.default-misfire-grace, PT5M unless configured), applied when it starts. An"
          + " 'at' further in the past than the grace is refused";

  static final String NOTIFY =
      "who is told when this job fails, dies, is missed, goes stale or is recovered (besides the"
          + " targets configured on the workers); at most "
          + NewJob.MAX_NOTIFY_TARGETS;
  static final int NOTIFY_MAX = NewJob.MAX_NOTIFY_TARGETS;
}
