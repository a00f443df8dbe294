package io.kairos.api.ui;

import io.kairos.api.security.ScopeInterceptor;
import java.time.Duration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.CacheControl;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The dashboard's web wiring: its session filter, the same scope check as the REST API (a page
 * handler without {@code @RequiresScope} needs admin), and its static files, kept outside {@code
 * static/} so a worker sharing the classpath (standalone) does not serve them.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(UiProperties.class)
class UiConfiguration implements WebMvcConfigurer {

  @Bean
  FilterRegistrationBean<UiSessionFilter> uiSessionFilter() {
    FilterRegistrationBean<UiSessionFilter> registration =
        new FilterRegistrationBean<>(new UiSessionFilter());
    // After the request body limit (HIGHEST_PRECEDENCE + 101): the CSRF check reads the form.
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 102);
    return registration;
  }

  @Override
  public void addInterceptors(InterceptorRegistry registry) {
    registry
        .addInterceptor(new ScopeInterceptor())
        .addPathPatterns("/ui/**")
        .excludePathPatterns(UiPaths.SIGN_IN, UiPaths.STATIC + "**");
  }

  @Override
  public void addResourceHandlers(ResourceHandlerRegistry registry) {
    registry
        .addResourceHandler(UiPaths.STATIC + "**")
        .addResourceLocations("classpath:/kairos-ui/static/")
        .setCacheControl(CacheControl.maxAge(Duration.ofMinutes(5)));
  }
}
