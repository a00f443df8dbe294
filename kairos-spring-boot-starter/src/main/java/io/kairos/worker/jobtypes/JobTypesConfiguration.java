package io.kairos.worker.jobtypes;

import com.github.kagkarlsson.scheduler.Clock;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.retry.RetryRegistry;
import io.kairos.catalogue.JobCatalogue;
import io.kairos.jobtype.BuiltInJobTypes;
import io.kairos.jobtype.email.EmailHandler;
import io.kairos.jobtype.log.LogHandler;
import io.kairos.jobtype.noop.NoopHandler;
import io.kairos.jobtype.oauth.AccessTokens;
import io.kairos.jobtype.oauth.CredentialStore;
import io.kairos.jobtype.oauth.OAuthTokenRefreshHandler;
import io.kairos.jobtype.oauth.TokenEndpointClient;
import io.kairos.jobtype.retention.RetentionHandler;
import io.kairos.jobtype.webhook.WebhookHandler;
import io.kairos.outbound.OutboundHttp;
import io.kairos.outbound.Resolver;
import io.kairos.spring.EmailProperties;
import io.kairos.spring.OAuthProperties;
import io.kairos.spring.WebhookProperties;
import io.kairos.worker.metrics.OAuthMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The built-in job types on a worker, each registered as an application's own type is: its {@link
 * BuiltInHandler} (the type from {@code BuiltInJobTypes}, and a handler built from its settings),
 * served when {@code kairos.worker.built-in-types} names it. And tier 1 of the retry tiers, which
 * the worker puts around every type, built-in or not, with its Micrometer metrics.
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
  BuiltInHandler<?> builtInNoop() {
    return new BuiltInHandler<>(BuiltInJobTypes.NOOP, new NoopHandler());
  }

  @Bean
  BuiltInHandler<?> builtInLog() {
    return new BuiltInHandler<>(BuiltInJobTypes.LOG, new LogHandler());
  }

  @Bean
  BuiltInHandler<?> builtInEmail(EmailProperties properties, Clock clock, JobCatalogue catalogue) {
    if (properties.settings() == null && catalogue.contains(BuiltInJobTypes.EMAIL.name())) {
      LOG.warn("kairos.email.host is not set: e-mail jobs will fail on this worker");
    }
    return new BuiltInHandler<>(
        BuiltInJobTypes.EMAIL, new EmailHandler(properties.settings(), clock));
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
  BuiltInHandler<?> builtInWebhook(
      WebhookProperties properties,
      AccessTokens accessTokens,
      Clock clock,
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
    return new BuiltInHandler<>(BuiltInJobTypes.WEBHOOK, handler);
  }

  @Bean
  OAuthMetrics oauthMetrics(MeterRegistry meters, CredentialStore credentials) {
    return new OAuthMetrics(meters, credentials);
  }

  @Bean
  BuiltInHandler<?> builtInOAuthTokenRefresh(
      CredentialStore credentials,
      TokenEndpointClient client,
      OAuthProperties properties,
      OAuthMetrics metrics,
      Clock clock) {
    OAuthTokenRefreshHandler handler =
        new OAuthTokenRefreshHandler(
            credentials,
            client,
            clock,
            properties.refreshMargin(),
            properties.refreshWithoutExpiry(),
            metrics::reauthRequired);
    return new BuiltInHandler<>(BuiltInJobTypes.OAUTH_TOKEN_REFRESH, handler);
  }

  /** Also checks declared retention jobs' tables at start-up ({@code DeclaredJobsReconciler}). */
  @Bean
  RetentionHandler retentionHandler(DataSource dataSource) {
    return new RetentionHandler(dataSource);
  }

  @Bean
  BuiltInHandler<?> builtInRetention(RetentionHandler handler) {
    return new BuiltInHandler<>(BuiltInJobTypes.RETENTION, handler);
  }
}
