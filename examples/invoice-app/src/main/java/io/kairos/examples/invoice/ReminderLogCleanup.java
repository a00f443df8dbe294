package io.kairos.examples.invoice;

import io.kairos.job.JobContext;
import io.kairos.worker.KairosJob;
import java.sql.Timestamp;
import java.time.Duration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The {@code cleanup-old-logs} type: forgets reminders sent more than {@code keepDays} ago. Its job
 * is declared in {@code application.yml} ({@code kairos.jobs}), not created by code.
 */
@Component
class ReminderLogCleanup {

  /** The payload: how many days of the reminder log to keep. */
  record CleanupOldLogs(int keepDays) {}

  private final JdbcTemplate jdbc;

  ReminderLogCleanup(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  @KairosJob(value = "cleanup-old-logs", description = "Forgets old reminders")
  void cleanup(CleanupOldLogs payload, JobContext context) {
    // Kairos's time (the test kit's clock in tests), not this JVM's.
    Timestamp cutoff =
        Timestamp.from(context.scheduledFor().minus(Duration.ofDays(payload.keepDays())));
    int deleted = jdbc.update("delete from invoice_reminder_sent where sent_at < ?", cutoff);
    context.report("deleted " + deleted + " reminders sent before " + cutoff.toInstant());
  }
}
