package io.kairos.worker.housekeeping;

import io.kairos.catalogue.PublishedTypes;
import io.kairos.core.Kairos;
import io.kairos.notification.Notifications;
import io.kairos.schema.KairosSchema;
import io.kairos.watchdog.StaleJobWatchdog;
import javax.sql.DataSource;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;
import net.javacrumbs.shedlock.spring.annotation.EnableSchedulerLock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.EnableScheduling;

@Configuration(proxyBeanMethods = false)
@EnableScheduling
@EnableSchedulerLock(defaultLockAtMostFor = "PT10M")
public class HousekeepingConfiguration {

  /**
   * Locks judged on the database clock, like everything else in the cluster, in Kairos's {@code
   * shedlock} table (in its schema: an application's own ShedLock table is another).
   */
  @Bean
  LockProvider lockProvider(DataSource dataSource, KairosSchema schema) {
    return new JdbcTemplateLockProvider(
        JdbcTemplateLockProvider.Configuration.builder()
            .withJdbcTemplate(new JdbcTemplate(dataSource))
            .withTableName(schema.table("shedlock"))
            .usingDbTime()
            .build());
  }

  @Bean
  StaleJobWatchdog staleJobWatchdog(
      Kairos kairos,
      HousekeepingProperties properties,
      Notifications notifications,
      PublishedTypes publishedTypes) {
    return kairos.watchdog(
        new StaleJobWatchdog.Settings(
            properties.staleTolerance(), properties.staleGrace(), properties.unclaimedAfter()),
        notifications,
        publishedTypes::servedTypes);
  }

  @Bean
  @ConditionalOnProperty(name = "kairos.housekeeping.enabled", matchIfMissing = true)
  Housekeeping housekeeping(
      Kairos kairos, StaleJobWatchdog watchdog, HousekeepingProperties properties) {
    return new Housekeeping(kairos.housekeeper(properties.batchSize()), watchdog, properties);
  }
}
