package io.kairos.api.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.util.unit.DataSize;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** API keys (authentication filter), scopes (interceptor) and the request body limit. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ApiKeyProperties.class)
class SecurityConfiguration implements WebMvcConfigurer {

  private static final Logger LOG = LoggerFactory.getLogger(SecurityConfiguration.class);

  @Bean
  ApiKeys apiKeys(ApiKeyProperties properties) {
    ApiKeys keys = new ApiKeys(properties);
    if (keys.names().isEmpty()) {
      LOG.warn(
          "No API key is configured, so every API request will be refused with 401: set"
              + " KAIROS_API_KEY, or kairos.api.keys[n].name/.sha256/.scopes (README,"
              + " \"API keys\")");
    } else {
      LOG.info("API keys accepted: {}", String.join(", ", keys.names()));
    }
    return keys;
  }

  /** Wrong keys per client address, shared by the bearer filter and the dashboard's sign-in. */
  @Bean
  AuthFailures authFailures(
      @Value("${kairos.api.auth-failures.limit:10}") int failureLimit,
      @Value("${kairos.api.auth-failures.window:1m}") Duration failureWindow) {
    return new AuthFailures(failureLimit, failureWindow, System::nanoTime);
  }

  @Bean
  FilterRegistrationBean<ApiKeyFilter> apiKeyFilter(
      ApiKeys keys, ObjectMapper json, AuthFailures failures) {
    FilterRegistrationBean<ApiKeyFilter> registration =
        new FilterRegistrationBean<>(new ApiKeyFilter(keys, json, failures));
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 100);
    return registration;
  }

  @Bean
  FilterRegistrationBean<ControlCharacterFilter> controlCharacterFilter(ObjectMapper json) {
    FilterRegistrationBean<ControlCharacterFilter> registration =
        new FilterRegistrationBean<>(new ControlCharacterFilter(json));
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 102);
    return registration;
  }

  @Bean
  FilterRegistrationBean<RequestBodyLimitFilter> requestBodyLimitFilter(
      @Value("${kairos.api.max-body-size:256KB}") DataSize maxBodySize,
      @Value("${kairos.api.max-batch-body-size:8MB}") DataSize maxBatchBodySize,
      ObjectMapper json) {
    FilterRegistrationBean<RequestBodyLimitFilter> registration =
        new FilterRegistrationBean<>(
            new RequestBodyLimitFilter(maxBodySize.toBytes(), maxBatchBodySize.toBytes(), json));
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 101);
    return registration;
  }

  @Override
  public void addInterceptors(InterceptorRegistry registry) {
    registry.addInterceptor(new ScopeInterceptor()).addPathPatterns("/api/**");
  }
}
