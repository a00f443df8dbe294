package io.kairos.worker.declared;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * Shows in the worker's health which declarations its start could not apply because other jobs hold
 * their ids ({@code declaredJobClashes}). Stays UP: the worker runs every other job, and an
 * orchestrator restarting it would not clear the clash.
 */
public final class DeclaredJobsHealth implements HealthIndicator {

  private final DeclaredJobsReconciler reconciler;

  public DeclaredJobsHealth(DeclaredJobsReconciler reconciler) {
    this.reconciler = reconciler;
  }

  @Override
  public Health health() {
    return Health.up().withDetail("declaredJobClashes", reconciler.clashes()).build();
  }
}
