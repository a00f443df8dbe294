package ${package};

import io.kairos.job.JobRequest;
import io.kairos.spring.KairosJobs;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Places orders, each with the job that confirms it, in one transaction. */
@Service
public class OrderService {

  /** An order, as posted. */
  public record NewOrder(String id, String customerEmail, long amountCents) {}

  private final JdbcTemplate jdbc;
  private final KairosJobs jobs;

  OrderService(JdbcTemplate jdbc, KairosJobs jobs) {
    this.jdbc = jdbc;
    this.jobs = jobs;
  }

  /**
   * Writes the order and creates the job confirming it, due now. Both are in this transaction: if
   * the job is refused (its payload breaks a constraint), the order is not written either.
   *
   * @return the confirmation job's id
   */
  @Transactional
  public String place(NewOrder order) {
    jdbc.update(
        "insert into customer_order (id, customer_email, amount_cents) values (?, ?, ?)",
        order.id(),
        order.customerEmail(),
        order.amountCents());
    String jobId = "order-confirmation:" + order.id();
    jobs.create(
        JobRequest.of(
            jobId,
            "order-confirmation",
            new OrderConfirmation(order.id(), order.customerEmail(), order.amountCents())));
    return jobId;
  }
}
