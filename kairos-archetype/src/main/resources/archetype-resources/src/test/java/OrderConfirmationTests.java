package ${package};

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.kairos.job.JobRun;
import io.kairos.job.RunOutcome;
import io.kairos.test.KairosTest;
import io.kairos.test.KairosTestKit;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.servlet.MockMvc;

/**
 * The application with the Kairos test kit: its job type runs on the test's thread when the test
 * says so, against a fresh PostgreSQL database (the server in KAIROS_TEST_JDBC_URL, else an
 * embedded one). Tests share the context, so each uses order ids of its own.
 */
@SpringBootTest
@AutoConfigureMockMvc
@KairosTest
class OrderConfirmationTests {

  @Autowired MockMvc http;
  @Autowired KairosTestKit kit;
  @Autowired JdbcTemplate jdbc;

  @Test
  void aPlacedOrderIsConfirmed() throws Exception {
    place("{\"id\": \"A-1\", \"customerEmail\": \"ada@example.com\", \"amountCents\": 1200}")
        .andExpect(status().isCreated())
        .andExpect(jsonPath("$.confirmationJob").value("order-confirmation:A-1"));

    assertThat(kit.runDue()).isEqualTo(1);

    assertThat(confirmations("A-1")).isEqualTo(1);
    assertThat(kit.history("order-confirmation:A-1"))
        .extracting(JobRun::outcome)
        .containsExactly(RunOutcome.SUCCEEDED);
  }

  @Test
  void anAttemptRunAgainAfterItsWorkerDiedConfirmsOnce() throws Exception {
    place("{\"id\": \"A-2\", \"customerEmail\": \"bo@example.com\", \"amountCents\": 500}")
        .andExpect(status().isCreated());

    // The handler runs, its worker dies before Kairos records the attempt, the attempt runs again.
    kit.runDueTwice();

    assertThat(kit.history("order-confirmation:A-2"))
        .extracting(JobRun::outcome)
        .containsExactly(RunOutcome.WORKER_DIED, RunOutcome.SUCCEEDED);
    assertThat(confirmations("A-2")).isEqualTo(1);
  }

  @Test
  void anOrderWhoseConfirmationBreaksConstraintsIsRefusedNamingEachField() throws Exception {
    place("{\"id\": \"A-3\", \"customerEmail\": \"not an address\", \"amountCents\": -5}")
        .andExpect(status().isBadRequest())
        .andExpect(
            jsonPath(
                "$.errors[*].field",
                Matchers.containsInAnyOrder("payload.customerEmail", "payload.amountCents")));

    // Refused in the order's transaction: no order, no job.
    assertThat(
            jdbc.queryForObject(
                "select count(*) from customer_order where id = 'A-3'", Integer.class))
        .isZero();
    assertThat(kit.job("order-confirmation:A-3")).isEmpty();
  }

  private org.springframework.test.web.servlet.ResultActions place(String order) throws Exception {
    return http.perform(post("/orders").contentType(MediaType.APPLICATION_JSON).content(order));
  }

  private int confirmations(String orderId) {
    return jdbc.queryForObject(
        "select count(*) from order_confirmation where order_id = ?", Integer.class, orderId);
  }
}
