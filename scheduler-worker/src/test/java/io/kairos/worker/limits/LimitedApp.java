package io.kairos.worker.limits;

import io.kairos.job.JobContext;
import io.kairos.job.JobHandler;
import io.kairos.worker.KairosJob;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Bean;

/**
 * A worker application with four job types, each under a flow limit set by {@link FlowLimitsIT} on
 * the command line: exports per customer, reports per type, calls to partners per rate, and tenant
 * syncs per the jobs' own concurrency keys.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class LimitedApp {

  public record CustomerExport(String customer, long millis) {}

  public record ReportBuild(long millis) {}

  public record PartnerCall(String partner) {}

  public record TenantSync(long millis) {}

  @KairosJob(value = "customer-export", description = "Exports one customer's data")
  static class ExportHandler implements JobHandler<CustomerExport> {
    @Override
    public void handle(CustomerExport payload, JobContext context) throws InterruptedException {
      Thread.sleep(payload.millis());
    }
  }

  @KairosJob(value = "report-build", description = "Builds a report")
  static class ReportHandler implements JobHandler<ReportBuild> {
    @Override
    public void handle(ReportBuild payload, JobContext context) throws InterruptedException {
      Thread.sleep(payload.millis());
    }
  }

  @KairosJob(value = "partner-call", description = "Calls a partner's API")
  static class PartnerHandler implements JobHandler<PartnerCall> {
    @Override
    public void handle(PartnerCall payload, JobContext context) {}
  }

  @KairosJob(value = "tenant-sync", description = "Syncs a tenant named by the job's own key")
  static class SyncHandler implements JobHandler<TenantSync> {
    @Override
    public void handle(TenantSync payload, JobContext context) throws InterruptedException {
      Thread.sleep(payload.millis());
    }
  }

  @Bean
  SyncHandler syncHandler() {
    return new SyncHandler();
  }

  @Bean
  ExportHandler exportHandler() {
    return new ExportHandler();
  }

  @Bean
  ReportHandler reportHandler() {
    return new ReportHandler();
  }

  @Bean
  PartnerHandler partnerHandler() {
    return new PartnerHandler();
  }

  public static void main(String[] args) {
    new SpringApplicationBuilder(LimitedApp.class)
        .web(WebApplicationType.NONE)
        .properties("kairos.worker.built-in-types=none")
        .run(args);
  }
}
