package io.kairos.wakeup;

import io.kairos.concurrent.DaemonTimers;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes the workers with {@code NOTIFY kairos_due} when a job becomes due before their next poll:
 * the one way Kairos wakes them, for jobs from the API, from an application's own code and from
 * handlers alike. PostgreSQL serialises notifying commits, so notifications are sent outside the
 * scheduling transaction (after it committed: see {@link DueListener#afterCommit}) and coalesced: a
 * burst of schedules within {@link #COALESCE} costs two NOTIFYs at most (the first at once, one for
 * the rest). A job due a little later gets its NOTIFY at its due time. Polling stays the safety
 * net: a lost notification (API restart, dropped connection) delays a job by at most one polling
 * interval.
 */
public final class WakeUpSender implements DueListener, AutoCloseable {

  static final Duration COALESCE = Duration.ofMillis(5);
  private static final Logger LOG = LoggerFactory.getLogger(WakeUpSender.class);

  private final WakeUpStore wakeUps;
  private final Duration horizon;
  private final ScheduledExecutorService timer = DaemonTimers.newTimer("kairos-wake-up");
  private boolean trailingScheduled;
  private long lastSent = System.nanoTime() - COALESCE.toNanos();

  /**
   * @param horizon jobs due further ahead than this are left to polling; zero turns wake-ups off
   */
  public WakeUpSender(DataSource dataSource, Duration horizon) {
    this.wakeUps = new WakeUpStore(dataSource);
    this.horizon = horizon;
  }

  @Override
  public void scheduled(Instant due) {
    long delayMillis = Duration.between(Instant.now(), due).toMillis();
    if (horizon.isZero() || delayMillis > horizon.toMillis()) {
      return;
    }
    if (delayMillis > COALESCE.toMillis()) {
      timer.schedule(this::requestNow, delayMillis, TimeUnit.MILLISECONDS);
    } else {
      requestNow();
    }
  }

  /**
   * Leading and trailing edge: a lone request is sent at once; requests within {@link #COALESCE} of
   * a send share one trailing NOTIFY at the end of that window.
   */
  private synchronized void requestNow() {
    if (trailingScheduled) {
      return;
    }
    long now = System.nanoTime();
    if (now - lastSent >= COALESCE.toNanos()) {
      lastSent = now;
      timer.execute(this::send);
    } else {
      trailingScheduled = true;
      timer.schedule(this::sendTrailing, lastSent + COALESCE.toNanos() - now, TimeUnit.NANOSECONDS);
    }
  }

  private void sendTrailing() {
    synchronized (this) {
      trailingScheduled = false;
      lastSent = System.nanoTime();
    }
    send();
  }

  private void send() {
    try {
      wakeUps.wakeWorkersNow();
    } catch (Exception e) {
      LOG.debug("Could not wake workers (they will find the job at their next poll)", e);
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
