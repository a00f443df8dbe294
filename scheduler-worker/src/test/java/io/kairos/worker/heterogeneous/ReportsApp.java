package io.kairos.worker.heterogeneous;

import io.kairos.job.JobContext;
import io.kairos.worker.KairosJob;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Bean;

/** An application serving one job type of its own and none of the built-in ones. */
@SpringBootConfiguration
@EnableAutoConfiguration
public class ReportsApp {

  public record MonthlyReport(String customer) {}

  static class Reports {
    @KairosJob(value = "monthly-report", description = "Builds a customer's monthly report")
    void build(MonthlyReport report, JobContext context) throws InterruptedException {
      Thread.sleep(800); // long enough to be killed mid-run
      context.report("built for " + report.customer());
    }
  }

  @Bean
  Reports reports() {
    return new Reports();
  }

  public static void main(String[] args) {
    new SpringApplicationBuilder(ReportsApp.class)
        .web(WebApplicationType.NONE)
        .properties("kairos.worker.built-in-types=none")
        .run(args);
  }
}
