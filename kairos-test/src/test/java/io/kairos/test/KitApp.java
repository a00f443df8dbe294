package io.kairos.test;

import io.kairos.job.JobContext;
import io.kairos.job.JobHandler;
import io.kairos.job.TransientJobFailure;
import io.kairos.worker.KairosJob;
import java.util.List;
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

  @Bean
  Greeter greeter() {
    return new Greeter();
  }

  @Bean
  Payments payments() {
    return new Payments();
  }
}
