package io.kairos.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.kagkarlsson.scheduler.Clock;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import io.kairos.api.problem.ProblemErrorReportValve;
import io.kairos.api.wakeup.WakeUpSender;
import io.kairos.clock.DatabaseClock;
import io.kairos.crypto.SecretCipher;
import io.kairos.deadjob.DeadJobs;
import io.kairos.execution.KairosSchedulerClient;
import io.kairos.history.JobRunStore;
import io.kairos.job.BuiltInJobTypes;
import io.kairos.job.InvalidJobException;
import io.kairos.job.JobCatalogue;
import io.kairos.job.JobControl;
import io.kairos.job.JobStore;
import io.kairos.job.JobSubmitter;
import io.kairos.job.email.EmailHandler;
import io.kairos.job.oauth.CredentialStore;
import io.kairos.job.webhook.WebhookHandler;
import io.kairos.node.NodeStore;
import io.kairos.outbound.OutboundRefused;
import io.kairos.outbound.Resolver;
import io.kairos.outbound.SenderDomains;
import io.kairos.serialization.JsonSerializer;
import io.kairos.serialization.KairosJson;
import java.time.Duration;
import javax.sql.DataSource;
import org.apache.catalina.core.StandardHost;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Core's stores and a db-scheduler client that only writes the task table. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({
  OutboundProperties.Webhook.class,
  OutboundProperties.OAuth.class,
  OutboundProperties.Encryption.class,
  OutboundProperties.Email.class
})
class ApiConfiguration {

  private static final Logger LOG = LoggerFactory.getLogger(ApiConfiguration.class);

  /**
   * Kairos's mapper for stored JSON (payloads, schedules, task data). Not a bean, so the web layer
   * keeps Spring Boot's own mapper and its {@code spring.jackson.*} settings.
   */
  static final ObjectMapper STORED_JSON = KairosJson.newObjectMapper();

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

  /**
   * The database's time: "now" for jobs without a schedule, the first cron occurrence and the
   * misfire check all agree with the workers, whatever this JVM's clock says.
   */
  @Bean(destroyMethod = "close")
  DatabaseClock kairosClock(DataSource dataSource) {
    return new DatabaseClock(dataSource, java.time.Clock.systemUTC(), Duration.ofSeconds(10));
  }

  /**
   * Webhook targets are checked against the same policy as on the workers, and e-mail senders
   * against the same allowed sender domains, at creation.
   */
  @Bean
  JobCatalogue jobCatalogue(OutboundProperties.Webhook webhook, OutboundProperties.Email email) {
    SenderDomains senders = email.senderDomains();
    return new JobCatalogue(BuiltInJobTypes.all(), STORED_JSON)
        .withCheck(
            WebhookHandler.TYPE, WebhookHandler.targetCheck(webhook.policy(), Resolver.SYSTEM))
        .withCheck(
            EmailHandler.TYPE,
            payload -> {
              try {
                senders.check(payload.from());
              } catch (OutboundRefused e) {
                throw new InvalidJobException("from", e.getMessage());
              }
            });
  }

  @Bean
  DeadJobs deadJobs(
      DataSource dataSource,
      SchedulerClient schedulerClient,
      PlatformTransactionManager transactionManager,
      Clock kairosClock,
      WakeUpSender wakeUpSender) {
    return new DeadJobs(
        dataSource,
        STORED_JSON,
        schedulerClient,
        new TransactionTemplate(transactionManager),
        kairosClock,
        wakeUpSender);
  }

  /**
   * OAuth credentials. Without an encryption key the API still starts: credentials can be listed
   * and deleted, and creating one is refused with a problem naming {@code KAIROS_ENCRYPTION_KEY}.
   */
  @Bean
  CredentialStore credentialStore(
      DataSource dataSource,
      OutboundProperties.Encryption encryption,
      OutboundProperties.OAuth oauth) {
    SecretCipher cipher = encryption.cipher();
    if (cipher == null) {
      LOG.warn(
          "KAIROS_ENCRYPTION_KEY is not set: OAuth credentials cannot be created through this"
              + " API");
    }
    return new CredentialStore(
        dataSource, cipher, oauth.policy(), Resolver.SYSTEM, oauth.requireHttps());
  }

  @Bean
  JobStore jobStore(DataSource dataSource) {
    return new JobStore(dataSource, STORED_JSON);
  }

  @Bean
  JobRunStore jobRunStore(DataSource dataSource) {
    return new JobRunStore(dataSource);
  }

  @Bean
  NodeStore nodeStore(DataSource dataSource) {
    return new NodeStore(dataSource);
  }

  /** Never started: a client, not a scheduler, so the API cannot execute anything. */
  @Bean
  SchedulerClient schedulerClient(DataSource dataSource) {
    return KairosSchedulerClient.create(dataSource, new JsonSerializer(STORED_JSON));
  }

  @Bean
  JobSubmitter jobSubmitter(
      JobStore jobs,
      SchedulerClient schedulerClient,
      PlatformTransactionManager transactionManager,
      Clock kairosClock,
      WakeUpSender wakeUpSender) {
    return new JobSubmitter(
        jobs,
        schedulerClient,
        new TransactionTemplate(transactionManager),
        kairosClock,
        wakeUpSender);
  }

  @Bean
  JobControl jobControl(
      JobStore jobs,
      SchedulerClient schedulerClient,
      PlatformTransactionManager transactionManager,
      Clock kairosClock,
      WakeUpSender wakeUpSender) {
    return new JobControl(
        jobs,
        schedulerClient,
        new TransactionTemplate(transactionManager),
        kairosClock,
        wakeUpSender);
  }

  @Bean
  WakeUpSender wakeUpSender(
      DataSource dataSource, @Value("${kairos.api.wake-up-horizon:10s}") Duration horizon) {
    return new WakeUpSender(dataSource, horizon);
  }
}
