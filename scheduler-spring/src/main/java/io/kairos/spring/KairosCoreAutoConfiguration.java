package io.kairos.spring;

import com.github.kagkarlsson.scheduler.Clock;
import io.kairos.catalogue.JobCatalogue;
import io.kairos.catalogue.PublishedTypes;
import io.kairos.clock.DatabaseClock;
import io.kairos.control.JobRequests;
import io.kairos.core.Kairos;
import io.kairos.job.MisfirePolicy;
import io.kairos.jobtype.BoundCredentialUses;
import io.kairos.jobtype.BuiltInJobTypes;
import io.kairos.jobtype.oauth.CredentialStore;
import io.kairos.migration.KairosMigrations;
import io.kairos.node.NodeStore;
import io.kairos.outbound.Resolver;
import io.kairos.registry.JobStore;
import io.kairos.registry.RunHistoryStore;
import io.kairos.schema.KairosSchema;
import io.kairos.serialization.KairosJson;
import io.kairos.wakeup.DueListener;
import io.kairos.wakeup.WakeUpSender;
import java.time.Duration;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.context.annotation.Bean;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Kairos's core in a Spring Boot application, built once through {@link Kairos} for the
 * application's DataSource and transaction manager; the worker and the API both start from here and
 * add only what is theirs. The {@code kairos.webhook}, {@code kairos.oauth}, {@code kairos.email}
 * and {@code kairos.encryption} settings are bound here, once, for both.
 *
 * <p>An auto-configuration, so an application's own clock or catalogue (the worker's, which adds
 * operator-only types) replaces the default here.
 */
@AutoConfiguration(after = DataSourceTransactionManagerAutoConfiguration.class)
@EnableConfigurationProperties({
  WebhookProperties.class,
  OAuthProperties.class,
  EmailProperties.class,
  EncryptionProperties.class
})
public class KairosCoreAutoConfiguration {

  private static final Logger LOG = LoggerFactory.getLogger(KairosCoreAutoConfiguration.class);

  /**
   * {@code kairos.schema}: the PostgreSQL schema that holds Kairos's tables, apart from the
   * application's. Every statement names its tables in it; connections' search paths are left
   * alone, since an application with the starter shares its DataSource with Kairos.
   */
  @Bean
  KairosSchema kairosSchema(
      @Value("${kairos.schema:" + KairosSchema.DEFAULT_NAME + "}") String name) {
    try {
      return KairosSchema.of(name.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("kairos.schema " + e.getMessage(), e);
    }
  }

  /** This JVM's clock; a bean so tests can skew it. */
  @Bean
  @ConditionalOnMissingBean
  java.time.Clock localClock() {
    return java.time.Clock.systemUTC();
  }

  /**
   * The database's time: due times, misfires and liveness agree across the cluster, whatever this
   * JVM's clock says.
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean(Clock.class)
  DatabaseClock kairosClock(DataSource dataSource, java.time.Clock localClock) {
    return new DatabaseClock(dataSource, localClock, Duration.ofSeconds(10));
  }

  /**
   * The built-in types anyone may create, and the types workers published (applications' own),
   * checked against their published payload schemas; webhook targets and e-mail senders checked
   * against this deployment's policy, and a webhook's OAuth credential against the stored ones.
   */
  @Bean
  @ConditionalOnMissingBean
  JobCatalogue jobCatalogue(
      WebhookProperties webhooks,
      EmailProperties email,
      CredentialStore credentials,
      PublishedTypes publishedTypes) {
    return BuiltInJobTypes.catalogue(
            BuiltInJobTypes.all(),
            KairosJson.newObjectMapper(),
            webhooks.policy(),
            email.senderDomains(),
            credentials::exists)
        .withCredentials(new BoundCredentialUses(credentials::bindingOf))
        .withPublishedTypes(publishedTypes);
  }

  /**
   * Wakes the workers for jobs due within {@code kairos.api.wake-up-horizon} (10 s; {@code 0s}: no
   * wake-ups, polling only), once the transaction that scheduled them committed: for the API's
   * jobs, those of an application's own code ({@link KairosJobs}) and handlers' follow-ups alike.
   */
  @Bean
  @ConditionalOnMissingBean(DueListener.class)
  WakeUpSender wakeUpSender(
      DataSource dataSource, @Value("${kairos.api.wake-up-horizon:10s}") Duration horizon) {
    return new WakeUpSender(dataSource, horizon);
  }

  @Bean(destroyMethod = "")
  Kairos kairos(
      DataSource dataSource,
      PlatformTransactionManager transactionManager,
      Clock clock,
      JobCatalogue catalogue,
      EncryptionProperties encryption,
      KairosSchema schema,
      ObjectProvider<DueListener> dueListener,
      @Value("${kairos.default-misfire-grace:PT5M}") String defaultMisfireGrace,
      @Value("${kairos.migrate:true}") boolean migrate) {
    if (migrate) {
      // Before anything reads a Kairos table: every Kairos bean is built from this one.
      try {
        KairosMigrations.migrate(dataSource, schema);
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException("kairos.schema: " + e.getMessage(), e);
      }
    }
    // The same key as OAuth credentials: it seals secret payload values (webhook headers) on the
    // API and opens them on the workers.
    return Kairos.builder(dataSource, transactionManager)
        .schema(schema)
        .clock(clock)
        .catalogue(catalogue)
        .cipher(encryption.cipher())
        .dueListener(dueListener.getIfAvailable(() -> DueListener.NONE))
        .defaultMisfireGrace(defaultMisfireGrace(defaultMisfireGrace))
        .build();
  }

  /**
   * {@code kairos.default-misfire-grace}: a duration (PT0S to P7D, also Spring's {@code 5m}) or
   * {@code none}. The API checks a new job's {@code at} against it and workers apply it, so both
   * read it here, alike.
   */
  static Duration defaultMisfireGrace(String text) {
    String value = text == null ? "" : text.trim();
    try {
      if (MisfirePolicy.NONE_TEXT.equals(value)) {
        return MisfirePolicy.NONE;
      }
      Duration grace = DurationStyle.detectAndParse(value);
      new MisfirePolicy(grace);
      return grace;
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "kairos.default-misfire-grace must be a duration from PT0S to P7D (e.g. PT5M or 5m) or"
              + " 'none', not '"
              + value
              + "'",
          e);
    }
  }

  @Bean
  MisfirePolicy misfirePolicy(Kairos kairos) {
    return kairos.misfire();
  }

  @Bean
  JobStore jobStore(Kairos kairos) {
    return kairos.jobs();
  }

  @Bean
  RunHistoryStore runHistoryStore(Kairos kairos) {
    return kairos.runs();
  }

  /**
   * The job types workers publish. {@code kairos.worker-liveness}: how recently a worker must have
   * been seen to count as serving its types (its heartbeats refresh it every second by default).
   * {@code kairos.published-types-read-every}: how long the API keeps what it read of them.
   */
  @Bean
  PublishedTypes publishedTypes(
      DataSource dataSource,
      KairosSchema schema,
      @Value("${kairos.worker-liveness:15s}") Duration workerLiveness,
      @Value("${kairos.published-types-read-every:1s}") Duration readEvery) {
    return new PublishedTypes(
        dataSource,
        schema,
        KairosJson.newObjectMapper(),
        workerLiveness,
        readEvery,
        BuiltInJobTypes.names());
  }

  /** The one translation of a request into a job: the API's and {@link KairosJobs}'. */
  @Bean
  JobRequests jobRequests(Kairos kairos) {
    return kairos.requests();
  }

  /** Jobs from the application's own code, inside its transactions. */
  @Bean
  @ConditionalOnMissingBean
  KairosJobs kairosJobs(
      Kairos kairos, @Value("${spring.application.name:application}") String applicationName) {
    return new KairosJobs(
        kairos.requests(), kairos.submitter(), kairos.control(), kairos.jobs(), applicationName);
  }

  @Bean
  NodeStore nodeStore(Kairos kairos) {
    return kairos.nodes();
  }

  /**
   * OAuth credentials. Without an encryption key the application still starts: credentials can be
   * listed and deleted, but neither stored nor refreshed.
   */
  @Bean
  CredentialStore credentialStore(
      DataSource dataSource,
      KairosSchema schema,
      EncryptionProperties encryption,
      OAuthProperties oauth) {
    if (encryption.cipher() == null) {
      LOG.warn(
          "KAIROS_ENCRYPTION_KEY is not set: OAuth credentials can be neither stored nor refreshed,"
              + " and webhooks with headers neither created nor run here");
    }
    return new CredentialStore(
        dataSource,
        schema,
        encryption.cipher(),
        oauth.policy(),
        Resolver.SYSTEM,
        oauth.requireHttps());
  }
}
