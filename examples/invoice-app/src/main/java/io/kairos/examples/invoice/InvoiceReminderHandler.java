package io.kairos.examples.invoice;

import io.kairos.job.JobContext;
import io.kairos.job.JobHandler;
import io.kairos.worker.KairosJob;
import java.sql.Timestamp;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Reminds a customer of an unpaid invoice. Sending is left out of the example; the reminder is
 * recorded in the application's own table. Keyed by the occurrence, so a retried attempt of the
 * same reminder records it once.
 */
@Component
@KairosJob(value = "invoice-reminder", description = "Reminds a customer of an unpaid invoice")
class InvoiceReminderHandler implements JobHandler<InvoiceReminder> {

  private final JdbcTemplate jdbc;

  InvoiceReminderHandler(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public void handle(InvoiceReminder reminder, JobContext context) {
    int recorded =
        jdbc.update(
            "insert into invoice_reminder_sent (invoice_id, occurrence, sent_at) values (?, ?, ?)"
                + " on conflict do nothing",
            reminder.invoiceId(),
            context.occurrenceId(),
            Timestamp.from(context.scheduledFor()));
    context.report(
        (recorded == 1 ? "reminded " : "already reminded ")
            + reminder.customer()
            + " of "
            + reminder.invoiceId());
  }
}
