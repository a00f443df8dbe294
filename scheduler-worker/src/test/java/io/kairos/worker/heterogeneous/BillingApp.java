package io.kairos.worker.heterogeneous;

import io.kairos.job.JobContext;
import io.kairos.job.JobHandler;
import io.kairos.worker.KairosJob;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Bean;

/** Another application, with a job type of its own that the first does not know. */
@SpringBootConfiguration
@EnableAutoConfiguration
public class BillingApp {

  public record InvoiceReminder(String invoiceId) {}

  @KairosJob(value = "invoice-reminder", description = "Reminds a customer of an unpaid invoice")
  static class InvoiceReminderHandler implements JobHandler<InvoiceReminder> {
    @Override
    public void handle(InvoiceReminder payload, JobContext context) throws InterruptedException {
      Thread.sleep(200);
      context.report("reminded " + payload.invoiceId());
    }
  }

  @Bean
  InvoiceReminderHandler invoiceReminderHandler() {
    return new InvoiceReminderHandler();
  }

  public static void main(String[] args) {
    new SpringApplicationBuilder(BillingApp.class)
        .web(WebApplicationType.NONE)
        .properties("kairos.worker.built-in-types=none")
        .run(args);
  }
}
