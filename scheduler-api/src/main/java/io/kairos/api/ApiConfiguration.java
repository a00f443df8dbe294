package io.kairos.api;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import io.kairos.api.problem.ProblemErrorReportValve;
import io.kairos.catalogue.PayloadSecrets;
import io.kairos.cluster.ClusterSwitch;
import io.kairos.control.Backfills;
import io.kairos.control.ControlStore;
import io.kairos.control.JobControl;
import io.kairos.control.JobSubmitter;
import io.kairos.core.Kairos;
import io.kairos.deadjob.DeadJobStore;
import io.kairos.deadjob.DeadJobs;
import io.kairos.limits.LimitStore;
import io.kairos.running.AttemptSignalStore;
import org.apache.catalina.core.StandardHost;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The API's part of the core: a db-scheduler client that only writes the task table, the services
 * that create and change jobs. The core itself is built once by {@code
 * KairosCoreAutoConfiguration}, shared with the workers.
 */
@Configuration(proxyBeanMethods = false)
class ApiConfiguration {

  /** Errors Tomcat raises before Spring MVC sees the request get problem bodies too. */
  @Bean
  WebServerFactoryCustomizer<TomcatServletWebServerFactory> problemErrorReports() {
    return factory ->
        factory.addContextCustomizers(
            context -> {
              if (context.getParent() instanceof StandardHost host) {
                host.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
              }
            });
  }

  /** Never started: a client, not a scheduler, so the API cannot execute anything. */
  @Bean
  SchedulerClient schedulerClient(Kairos kairos) {
    return kairos.schedulerClient();
  }

  @Bean
  JobSubmitter jobSubmitter(Kairos kairos) {
    return kairos.submitter();
  }

  @Bean
  JobControl jobControl(Kairos kairos) {
    return kairos.control();
  }

  /** Masks secret payload values in every response. */
  @Bean
  PayloadSecrets payloadSecrets(Kairos kairos) {
    return kairos.payloadSecrets();
  }

  @Bean
  LimitStore limitStore(Kairos kairos) {
    return kairos.limits();
  }

  @Bean
  ClusterSwitch clusterSwitch(Kairos kairos) {
    return kairos.cluster();
  }

  @Bean
  DeadJobs deadJobs(Kairos kairos) {
    return kairos.deadJobs();
  }

  /** For a credential's refresh job: run it now or requeue it in the credential's transaction. */
  @Bean
  ControlStore controlStore(Kairos kairos) {
    return kairos.controlStore();
  }

  @Bean
  Backfills backfills(Kairos kairos) {
    return kairos.backfills();
  }

  /** Cancel requests for running attempts, and their progress. */
  @Bean
  AttemptSignalStore attemptSignalStore(Kairos kairos) {
    return kairos.attemptSignals();
  }

  @Bean
  DeadJobStore deadJobStore(Kairos kairos) {
    return kairos.deadJobStore();
  }
}
