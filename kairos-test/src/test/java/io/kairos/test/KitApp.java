package io.kairos.test;

import io.kairos.job.JobContext;
import io.kairos.job.JobHandler;
import io.kairos.job.JobRequest;
import io.kairos.job.TransientJobFailure;
import io.kairos.worker.KairosJob;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/** An application with job types of its own, tested with the kit. */
@SpringBootConfiguration
@EnableAutoConfiguration
class KitApp {

  record Greeting(String name) {}

  record Charge(String account) {}

  /** Greets, and keeps who it greeted and on which thread. */
  @KairosJob("greet")
  static class Greeter implements JobHandler<Greeting> {

    final List<String> greeted = new CopyOnWriteArrayList<>();
    final List<Thread> threads = new CopyOnWriteArrayList<>();

    @Override
    public void handle(Greeting payload, JobContext context) {
      greeted.add(payload.name());
      threads.add(Thread.currentThread());
      context.report("greeted " + payload.name());
    }
  }

  /** A payment service that is always down: every try fails with a transient fault. */
  static class Payments {

    final List<String> tries = new CopyOnWriteArrayList<>();

    @KairosJob("charge")
    void charge(Charge payload, JobContext context) {
      tries.add(payload.account() + "#" + context.attempt());
      throw new TransientJobFailure("payment service unavailable for " + payload.account(), null);
    }
  }

  /** A payload with Bean Validation's constraints. */
  record Transfer(@NotBlank String account, @Positive long amountCents, @Email String receiptTo) {}

  /**
   * Books transfers. The booking is its side effect, keyed by the occurrence, so an attempt run
   * again after a worker died books nothing more; every call is kept too.
   */
  @KairosJob("book-transfer")
  static class Bookings implements JobHandler<Transfer> {

    final Map<String, String> booked = new ConcurrentHashMap<>();
    final List<String> calls = new CopyOnWriteArrayList<>();

    @Override
    public void handle(Transfer transfer, JobContext context) {
      calls.add(
          context.occurrenceId() + " attempt " + context.attempt() + " " + context.recovered());
      booked.putIfAbsent(context.occurrenceId(), transfer.account());
    }
  }

  record Settlement(String name, long amountCents) {}

  /** Settles by asking for a transfer as its follow-up. */
  @KairosJob("settle")
  static class Settler implements JobHandler<Settlement> {

    @Override
    public void handle(Settlement settlement, JobContext context) {
      context.schedule(
          JobRequest.of(
              "transfer-of-" + settlement.name(),
              "book-transfer",
              new Transfer("acc-" + settlement.name(), settlement.amountCents(), null)));
    }
  }

  @Bean
  Bookings bookings() {
    return new Bookings();
  }

  @Bean
  Settler settler() {
    return new Settler();
  }

  @Bean
  Greeter greeter() {
    return new Greeter();
  }

  @Bean
  Payments payments() {
    return new Payments();
  }
}
