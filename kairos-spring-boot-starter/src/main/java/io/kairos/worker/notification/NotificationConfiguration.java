package io.kairos.worker.notification;

import io.kairos.catalogue.JobCatalogue;
import io.kairos.core.Kairos;
import io.kairos.notification.Notifications;
import io.kairos.spring.EmailProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Notifications of this worker: {@code kairos.notifications}, checked against its catalogue. */
@Configuration(proxyBeanMethods = false)
public class NotificationConfiguration {

  private static final Logger LOG = LoggerFactory.getLogger(NotificationConfiguration.class);

  @Bean
  Notifications notifications(
      Kairos kairos,
      JobCatalogue catalogue,
      NotificationProperties properties,
      EmailProperties email) {
    boolean emailConfigured =
        email.settings() != null && email.from() != null && !email.from().isBlank();
    Notifications notifications =
        kairos.notifications(properties.settings(catalogue, kairos.json(), emailConfigured));
    int rules = notifications.settings().rules().size();
    if (rules > 0) {
      LOG.info(
          "Notifications: {} configured target(s), at most one per job and event every {}",
          rules,
          properties.minInterval());
    }
    return notifications;
  }
}
