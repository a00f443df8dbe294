package ${package};

import io.kairos.job.JobContext;
import io.kairos.job.JobHandler;
import io.kairos.worker.KairosJob;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Confirms an order to its customer. An attempt can run again after its side effect took place (a
 * worker that dies after this method returned and before Kairos recorded the attempt: another
 * worker runs the same occurrence again), so the side effect is keyed on {@link
 * JobContext#occurrenceId()}, the same for every attempt of one occurrence.
 */
@Component
@KairosJob(value = "order-confirmation", description = "Confirms an order to its customer")
class OrderConfirmationHandler implements JobHandler<OrderConfirmation> {

  private final JdbcTemplate jdbc;

  OrderConfirmationHandler(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public void handle(OrderConfirmation confirmation, JobContext context) {
    // A real application sends the e-mail here, passing context.occurrenceId() to the mail
    // service as its idempotency key; this one records the confirmation in its own table.
    int recorded =
        jdbc.update(
            "insert into order_confirmation (occurrence_id, order_id, customer_email)"
                + " values (?, ?, ?) on conflict (occurrence_id) do nothing",
            context.occurrenceId(),
            confirmation.orderId(),
            confirmation.customerEmail());
    context.report(
        (recorded == 1 ? "confirmed " : "already confirmed ")
            + confirmation.orderId()
            + " to "
            + confirmation.customerEmail());
  }
}
