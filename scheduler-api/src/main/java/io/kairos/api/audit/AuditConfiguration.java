package io.kairos.api.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.concurrent.DaemonTimers;
import io.kairos.core.Kairos;
import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The audit trail's store and recorder, and its retention: every API instance deletes entries older
 * than {@code kairos.api.audit-retention} once an hour (several instances doing so is harmless).
 */
@Configuration(proxyBeanMethods = false)
class AuditConfiguration {

  private static final Logger LOG = LoggerFactory.getLogger(AuditConfiguration.class);
  static final int PRUNE_BATCH = 1000;

  @Bean
  AuditStore auditStore(DataSource dataSource, Kairos kairos, ObjectMapper json) {
    return new AuditStore(dataSource, kairos.schema(), json);
  }

  @Bean
  AuditReader auditReader(AuditStore store) {
    return new AuditReader(store);
  }

  @Bean
  AuditTrail auditTrail(AuditStore store, ObjectMapper json) {
    return new AuditTrail(store, json);
  }

  /** Started with the application, stopped with it (a daemon thread of its own). */
  @Bean(destroyMethod = "close")
  AuditRetention auditRetention(
      AuditStore store, @Value("${kairos.api.audit-retention:365d}") Duration retention) {
    if (retention.isNegative() || retention.isZero()) {
      throw new IllegalArgumentException(
          "kairos.api.audit-retention must be positive (e.g. 365d), not " + retention);
    }
    ScheduledThreadPoolExecutor timer = DaemonTimers.newTimer("kairos-audit-retention");
    timer.scheduleWithFixedDelay(() -> prune(store, retention), 1, 60, TimeUnit.MINUTES);
    return new AuditRetention(timer);
  }

  /** The timer that prunes the trail. */
  record AuditRetention(ScheduledThreadPoolExecutor timer) implements AutoCloseable {
    @Override
    public void close() {
      timer.shutdownNow();
    }
  }

  static long prune(AuditStore store, Duration retention) {
    long total = 0;
    try {
      int deleted;
      do {
        deleted = store.prune(retention, PRUNE_BATCH);
        total += deleted;
      } while (deleted == PRUNE_BATCH);
      if (total > 0) {
        LOG.info("Audit retention deleted {} entries older than {}", total, retention);
      }
    } catch (RuntimeException e) {
      LOG.warn("Audit retention failed; it tries again in an hour", e);
    }
    return total;
  }
}
