package io.kairos.worker.jobtypes;

import com.github.kagkarlsson.scheduler.Clock;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.retry.RetryRegistry;
import io.kairos.catalogue.BuiltInJobTypes;
import io.kairos.catalogue.JobCatalogue;
import io.kairos.execution.JobTask;
import io.kairos.execution.JobTasks;
import io.kairos.jobtype.email.EmailHandler;
import io.kairos.jobtype.oauth.AccessTokens;
import io.kairos.jobtype.oauth.CredentialStore;
import io.kairos.jobtype.oauth.OAuthTokenRefreshHandler;
import io.kairos.jobtype.oauth.TokenEndpointClient;
import io.kairos.jobtype.webhook.WebhookHandler;
import io.kairos.outbound.OutboundHttp;
import io.kairos.outbound.Resolver;
import io.kairos.spring.EmailProperties;
import io.kairos.spring.OAuthProperties;
import io.kairos.spring.WebhookProperties;
import io.kairos.worker.metrics.OAuthMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The job types that reach outside (email, webhook, oauth-token-refresh): their settings, handlers
 * and tasks, and tier 1 of the retry tiers for every type, with its Micrometer metrics.
 */
@Configuration(proxyBeanMethods = false)
public class JobTypesConfiguration {

  private static final Logger LOG = LoggerFactory.getLogger(JobTypesConfiguration.class);

  /** Resilience4j's retries, one per job type; their events become {@code resilience4j_retry_*}. */
  @Bean
  RetryRegistry kairosRetryRegistry(MeterRegistry meters) {
    RetryRegistry registry = RetryRegistry.ofDefaults();
    TaggedRetryMetrics.ofRetryRegistry(registry).bindTo(meters);
    return registry;
  }

  /** Gives way to another (the test kit's, whose in-process retries do not wait). */
  @Bean
  @ConditionalOnMissingBean(TierOne.class)
  TierOne tierOne(RetryTierProperties properties, RetryRegistry registry, JobCatalogue catalogue) {
    return new TierOne(registry, properties.policies(catalogue));
  }

  @Bean
  JobTask<?> emailTask(
      EmailProperties properties,
      Clock clock,
      TierOne tierOne,
      JobTasks tasks,
      JobCatalogue catalogue) {
    if (properties.settings() == null && catalogue.contains(BuiltInJobTypes.EMAIL.name())) {
      LOG.warn("kairos.email.host is not set: e-mail jobs will fail on this worker");
    }
    EmailHandler handler = new EmailHandler(properties.settings(), clock);
    return tasks.task(BuiltInJobTypes.EMAIL, tierOne.decorate(BuiltInJobTypes.EMAIL, handler));
  }

  /** Token requests, for the refresh jobs and for webhooks sending a credential's token. */
  @Bean
  TokenEndpointClient tokenEndpointClient(OAuthProperties properties, Clock clock) {
    return new TokenEndpointClient(
        new OutboundHttp(properties.timeout(), properties.policy(), Resolver.SYSTEM),
        properties.timeout(),
        clock);
  }

  /**
   * Current access tokens of stored credentials for webhooks ({@code auth.oauthCredential}): the
   * OAuth side, handed to the webhook type as a {@code BearerTokens}, so the two types stay apart.
   */
  @Bean
  AccessTokens accessTokens(
      CredentialStore credentials,
      TokenEndpointClient client,
      OAuthProperties properties,
      OAuthMetrics metrics,
      Clock clock) {
    return new AccessTokens(
        credentials, client, clock, properties.refreshMargin(), metrics::reauthRequired);
  }

  @Bean
  JobTask<?> webhookTask(
      WebhookProperties properties,
      AccessTokens accessTokens,
      Clock clock,
      TierOne tierOne,
      JobTasks tasks,
      JobCatalogue catalogue) {
    if (properties.signer() == null && catalogue.contains(BuiltInJobTypes.WEBHOOK.name())) {
      LOG.warn("kairos.webhook.signing-secret is not set: webhook jobs will fail on this worker");
    }
    WebhookHandler handler =
        new WebhookHandler(
            new OutboundHttp(properties.connectTimeout(), properties.policy(), Resolver.SYSTEM),
            properties.signer(),
            properties.defaultTimeout(),
            clock,
            accessTokens);
    return tasks.task(BuiltInJobTypes.WEBHOOK, tierOne.decorate(BuiltInJobTypes.WEBHOOK, handler));
  }

  @Bean
  OAuthMetrics oauthMetrics(MeterRegistry meters, CredentialStore credentials) {
    return new OAuthMetrics(meters, credentials);
  }

  @Bean
  JobTask<?> oauthTokenRefreshTask(
      CredentialStore credentials,
      TokenEndpointClient client,
      OAuthProperties properties,
      OAuthMetrics metrics,
      Clock clock,
      TierOne tierOne,
      JobTasks tasks) {
    OAuthTokenRefreshHandler handler =
        new OAuthTokenRefreshHandler(
            credentials,
            client,
            clock,
            properties.refreshMargin(),
            properties.refreshWithoutExpiry(),
            metrics::reauthRequired);
    return tasks.task(
        BuiltInJobTypes.OAUTH_TOKEN_REFRESH,
        tierOne.decorate(BuiltInJobTypes.OAUTH_TOKEN_REFRESH, handler));
  }
}
