package io.kairos.examples.invoice;

import io.kairos.job.JobRequest;
import io.kairos.spring.KairosJobs;
import java.sql.Timestamp;
import java.time.Instant;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Creates invoices, each with its reminder job, in one transaction. */
@Service
public class InvoiceService {

  /** A new invoice, as posted. */
  public record NewInvoice(String id, String customer, long amountCents, Instant dueAt) {}

  /** Refused after the invoice row was written: the transaction rolls back. */
  public static class InvalidInvoice extends RuntimeException {
    InvalidInvoice(String message) {
      super(message);
    }
  }

  private final JdbcTemplate jdbc;
  private final KairosJobs jobs;

  InvoiceService(JdbcTemplate jdbc, KairosJobs jobs) {
    this.jdbc = jdbc;
    this.jobs = jobs;
  }

  /**
   * Writes the invoice and schedules its reminder for its due time. Both are in this transaction:
   * if anything fails later, neither the invoice nor the job exists.
   */
  @Transactional
  public String create(NewInvoice invoice) {
    jdbc.update(
        "insert into invoice (id, customer, amount_cents, due_at) values (?, ?, ?, ?)",
        invoice.id(),
        invoice.customer(),
        invoice.amountCents(),
        Timestamp.from(invoice.dueAt()));
    String jobId = reminderJobId(invoice.id());
    jobs.create(
        JobRequest.of(
                jobId,
                "invoice-reminder",
                new InvoiceReminder(invoice.id(), invoice.customer(), invoice.amountCents()))
            .at(invoice.dueAt()));
    // Checked last on purpose, standing for what a real service learns only after writing (a
    // constraint, another system's answer): the rollback takes the invoice and its job back.
    if (invoice.amountCents() <= 0) {
      throw new InvalidInvoice("amountCents must be positive, was " + invoice.amountCents());
    }
    return jobId;
  }

  public static String reminderJobId(String invoiceId) {
    return "invoice-reminder:" + invoiceId;
  }
}
