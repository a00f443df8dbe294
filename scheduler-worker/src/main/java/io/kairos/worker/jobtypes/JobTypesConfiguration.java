package io.kairos.worker.jobtypes;

import com.github.kagkarlsson.scheduler.Clock;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.retry.RetryRegistry;
import io.kairos.execution.ExecutionSupport;
import io.kairos.execution.JobTask;
import io.kairos.job.JobCatalogue;
import io.kairos.job.JobType;
import io.kairos.job.email.EmailHandler;
import io.kairos.job.oauth.CredentialStore;
import io.kairos.job.oauth.OAuthTokenRefreshHandler;
import io.kairos.job.oauth.TokenEndpointClient;
import io.kairos.job.webhook.WebhookHandler;
import io.kairos.outbound.OutboundHttp;
import io.kairos.outbound.Resolver;
import io.kairos.worker.metrics.OAuthMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The job types that reach outside (email, webhook, oauth-token-refresh): their settings, handlers
 * and tasks, and tier 1 of the retry tiers for every type, with its Micrometer metrics.
 */
@Configuration(proxyBeanMethods = false)
class JobTypesConfiguration {

  private static final Logger LOG = LoggerFactory.getLogger(JobTypesConfiguration.class);

  /** Resilience4j's retries, one per job type; their events become {@code resilience4j_retry_*}. */
  @Bean
  RetryRegistry kairosRetryRegistry(MeterRegistry meters) {
    RetryRegistry registry = RetryRegistry.ofDefaults();
    TaggedRetryMetrics.ofRetryRegistry(registry).bindTo(meters);
    return registry;
  }

  @Bean
  TierOne tierOne(RetryTierProperties properties, RetryRegistry registry, JobCatalogue catalogue) {
    return new TierOne(
        registry, properties.policies(catalogue.types().stream().map(JobType::name).toList()));
  }

  @Bean
  JobTask<?> emailTask(
      EmailProperties properties, Clock clock, TierOne tierOne, ExecutionSupport support) {
    if (properties.settings() == null) {
      LOG.warn("kairos.email.host is not set: e-mail jobs will fail on this worker");
    }
    EmailHandler handler = new EmailHandler(properties.settings(), clock);
    return new JobTask<>(EmailHandler.TYPE, tierOne.decorate(EmailHandler.TYPE, handler), support);
  }

  @Bean
  JobTask<?> webhookTask(
      WebhookProperties properties, Clock clock, TierOne tierOne, ExecutionSupport support) {
    if (properties.signer() == null) {
      LOG.warn("kairos.webhook.signing-secret is not set: webhook jobs will fail on this worker");
    }
    WebhookHandler handler =
        new WebhookHandler(
            new OutboundHttp(properties.connectTimeout(), properties.policy(), Resolver.SYSTEM),
            properties.signer(),
            properties.defaultTimeout(),
            clock);
    return new JobTask<>(
        WebhookHandler.TYPE, tierOne.decorate(WebhookHandler.TYPE, handler), support);
  }

  @Bean
  CredentialStore credentialStore(
      DataSource dataSource, EncryptionProperties encryption, OAuthProperties oauth) {
    if (encryption.cipher() == null) {
      LOG.warn(
          "KAIROS_ENCRYPTION_KEY is not set: OAuth credentials can be neither stored nor"
              + " refreshed on this worker");
    }
    return new CredentialStore(
        dataSource, encryption.cipher(), oauth.policy(), Resolver.SYSTEM, oauth.requireHttps());
  }

  @Bean
  OAuthMetrics oauthMetrics(MeterRegistry meters, CredentialStore credentials) {
    return new OAuthMetrics(meters, credentials);
  }

  @Bean
  JobTask<?> oauthTokenRefreshTask(
      CredentialStore credentials,
      OAuthProperties properties,
      OAuthMetrics metrics,
      Clock clock,
      TierOne tierOne,
      ExecutionSupport support) {
    OAuthTokenRefreshHandler handler =
        new OAuthTokenRefreshHandler(
            credentials,
            new TokenEndpointClient(
                new OutboundHttp(properties.timeout(), properties.policy(), Resolver.SYSTEM),
                properties.timeout(),
                clock),
            clock,
            properties.refreshMargin(),
            properties.refreshWithoutExpiry(),
            metrics::reauthRequired);
    return new JobTask<>(
        OAuthTokenRefreshHandler.TYPE,
        tierOne.decorate(OAuthTokenRefreshHandler.TYPE, handler),
        support);
  }
}
