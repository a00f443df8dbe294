package io.kairos.worker.custom;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.kairos.job.JobContext;
import io.kairos.job.JobHandler;
import io.kairos.job.JobRequest;
import io.kairos.job.PermanentJobFailure;
import io.kairos.worker.KairosJob;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/** An application with two job types of its own, as a user of the starter writes it. */
@SpringBootConfiguration
@EnableAutoConfiguration
class InvoiceApp {

  static final List<String> REMINDED = new CopyOnWriteArrayList<>();
  static final List<String> CLEANED = new CopyOnWriteArrayList<>();

  record InvoiceReminder(
      @JsonProperty(required = true) String invoiceId, int daysOverdue, boolean failing) {}

  record CleanupOldLogs(@JsonProperty(required = true) String directory) {}

  /** Reminds, then asks for a clean-up as a follow-up of its success. */
  @KairosJob(value = "invoice-reminder", description = "Reminds a customer of an unpaid invoice")
  static class InvoiceReminderHandler implements JobHandler<InvoiceReminder> {
    @Override
    public void handle(InvoiceReminder payload, JobContext context) {
      context.schedule(
          JobRequest.of(
              "cleanup-after:" + context.jobId(),
              "cleanup-old-logs",
              new CleanupOldLogs("/var/log/" + payload.invoiceId())));
      if (payload.failing()) {
        throw new PermanentJobFailure("the invoice service refused " + payload.invoiceId());
      }
      REMINDED.add(payload.invoiceId() + "@" + context.node());
    }
  }

  static class Maintenance {
    @KairosJob("cleanup-old-logs")
    void cleanup(CleanupOldLogs payload, JobContext context) {
      CLEANED.add(payload.directory());
      context.report("cleaned " + payload.directory());
    }
  }

  @Bean
  InvoiceReminderHandler invoiceReminderHandler() {
    return new InvoiceReminderHandler();
  }

  @Bean
  Maintenance maintenance() {
    return new Maintenance();
  }
}
