package io.kairos.api.job;

import io.kairos.job.Job;
import io.kairos.job.MisfirePolicy;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A job as the audit trail summarises it: its definition and state, never its payload (whose values
 * may be secrets even where the job type does not mark them so).
 */
final class JobSummary {

  private JobSummary() {}

  static Map<String, Object> of(Job job) {
    if (job == null) {
      return null;
    }
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("type", job.type());
    summary.put("group", job.group());
    summary.put("concurrencyKey", job.concurrencyKey());
    summary.put("state", job.state().name());
    summary.put("schedule", ScheduleResponse.of(job.schedule()));
    summary.put("nextRunAt", job.nextRunAt());
    summary.put("priority", job.priority());
    summary.put("maxAttempts", job.maxAttempts());
    summary.put("timeout", job.timeout() == null ? null : job.timeout().toString());
    summary.put("misfireGrace", MisfirePolicy.text(job.misfireGrace()));
    summary.put("revision", job.revision());
    summary.put("source", job.source().name());
    return summary;
  }
}
