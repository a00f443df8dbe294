package io.kairos.worker.metrics;

import io.kairos.jobtype.oauth.CredentialStatus;
import io.kairos.jobtype.oauth.CredentialStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * OAuth credential meters: {@code kairos_oauth_credentials{status}} (cluster-wide, read every 10 s)
 * and {@code kairos_oauth_reauth_required_total} (credentials this worker found refused).
 */
public class OAuthMetrics {

  private static final Logger LOG = LoggerFactory.getLogger(OAuthMetrics.class);

  private final CredentialStore credentials;
  private final Map<CredentialStatus, AtomicLong> counts = new EnumMap<>(CredentialStatus.class);
  private final Counter reauthRequired;

  public OAuthMetrics(MeterRegistry registry, CredentialStore credentials) {
    this.credentials = credentials;
    for (CredentialStatus status : CredentialStatus.values()) {
      AtomicLong count = new AtomicLong();
      counts.put(status, count);
      Gauge.builder("kairos.oauth.credentials", count, AtomicLong::get)
          .description(
              "OAuth credentials by status (REAUTH_REQUIRED: someone must authorise again)")
          .tag("status", status.name())
          .register(registry);
    }
    reauthRequired =
        Counter.builder("kairos.oauth.reauth.required")
            .description("Credentials whose token endpoint refused their grant, on this worker")
            .register(registry);
  }

  /** Called by the refresh job when a credential becomes REAUTH_REQUIRED. */
  public void reauthRequired(String credentialId) {
    reauthRequired.increment();
    counts.get(CredentialStatus.REAUTH_REQUIRED).incrementAndGet();
    LOG.warn("OAuth credential {} needs re-authorisation", credentialId);
  }

  @Scheduled(initialDelay = 0, fixedDelay = 10_000)
  public void refresh() {
    try {
      credentials.countByStatus().forEach((status, n) -> counts.get(status).set(n));
    } catch (RuntimeException e) {
      LOG.debug("Could not count OAuth credentials", e);
    }
  }
}
