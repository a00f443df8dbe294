package io.kairos.examples.invoice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.kairos.job.JobRun;
import io.kairos.job.JobState;
import io.kairos.job.RunOutcome;
import io.kairos.schema.KairosSchema;
import io.kairos.test.KairosTest;
import io.kairos.test.KairosTestKit;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.servlet.MockMvc;

/**
 * The invoice application as its developers test it: through its own endpoint, with the Kairos test
 * kit moving time and running due jobs, on a fresh PostgreSQL database.
 */
@SpringBootTest
@AutoConfigureMockMvc
@KairosTest
class InvoiceAppTests {

  @Autowired MockMvc mvc;
  @Autowired KairosTestKit kit;
  @Autowired JdbcTemplate jdbc;

  @Test
  void creatingAnInvoiceSchedulesItsReminderWhichRunsOnTheDueDate() throws Exception {
    Instant due = kit.now().plus(Duration.ofDays(14));

    mvc.perform(
            post("/invoices")
                .contentType(MediaType.APPLICATION_JSON)
                .content(invoice("INV-1", 12_000, due)))
        .andExpect(status().isCreated())
        .andExpect(jsonPath("$.reminderJob").value("invoice-reminder:INV-1"));

    assertThat(kit.job("invoice-reminder:INV-1"))
        .hasValueSatisfying(
            job -> {
              assertThat(job.state()).isEqualTo(JobState.SCHEDULED);
              assertThat(job.nextRunAt()).isEqualTo(due);
            });
    kit.advance(Duration.ofDays(13));
    kit.runDue();
    assertThat(remindersSent("INV-1")).isZero();

    kit.advance(Duration.ofDays(1).plusMinutes(1));
    kit.runDue();

    assertThat(remindersSent("INV-1")).isEqualTo(1);
    assertThat(kit.history("invoice-reminder:INV-1"))
        .singleElement()
        .satisfies(
            run -> {
              assertThat(run.outcome()).isEqualTo(RunOutcome.SUCCEEDED);
              assertThat(run.scheduledFor()).isEqualTo(due);
              assertThat(run.detail()).isEqualTo("reminded ada@example.com of INV-1");
            });
    assertThat(kit.job("invoice-reminder:INV-1").orElseThrow().state())
        .isEqualTo(JobState.COMPLETED);
  }

  @Test
  void anInvoiceRefusedAfterItsInsertLeavesNeitherTheInvoiceNorItsReminder() throws Exception {
    mvc.perform(
            post("/invoices")
                .contentType(MediaType.APPLICATION_JSON)
                .content(invoice("INV-0", 0, kit.now().plus(Duration.ofDays(7)))))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.error").value("amountCents must be positive, was 0"));

    assertThat(jdbc.queryForObject("select count(*) from invoice where id = 'INV-0'", Long.class))
        .isZero();
    assertThat(kit.job("invoice-reminder:INV-0")).isEmpty();
    assertThat(
            jdbc.queryForObject(
                KairosSchema.DEFAULT.sql(
                    "select count(*) from scheduled_tasks where task_instance = 'invoice-reminder:INV-0'"),
                Long.class))
        .isZero();
  }

  @Test
  void theDeclaredCleanupRunsOncePerDayOfAdvancedTime() {
    kit.runDue();
    int before = kit.history("cleanup-old-logs").size();
    assertThat(before).isPositive(); // declared with every: 1d, so first due at start-up

    for (int day = 1; day <= 3; day++) {
      kit.advance(Duration.ofDays(1));
      kit.runDue();
      assertThat(kit.history("cleanup-old-logs")).hasSize(before + day);
    }
    kit.advance(Duration.ofHours(23));
    kit.runDue();
    assertThat(kit.history("cleanup-old-logs")).hasSize(before + 3);
    assertThat(kit.history("cleanup-old-logs"))
        .extracting(JobRun::outcome)
        .containsOnly(RunOutcome.SUCCEEDED);
  }

  private long remindersSent(String invoiceId) {
    return jdbc.queryForObject(
        "select count(*) from invoice_reminder_sent where invoice_id = ?", Long.class, invoiceId);
  }

  private static String invoice(String id, long amountCents, Instant dueAt) {
    return """
        {"id": "%s", "customer": "ada@example.com", "amountCents": %d, "dueAt": "%s"}
        """
        .formatted(id, amountCents, dueAt);
  }
}
