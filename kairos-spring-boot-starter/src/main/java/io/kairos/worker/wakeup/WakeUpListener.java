package io.kairos.worker.wakeup;

import com.github.kagkarlsson.scheduler.Scheduler;
import io.kairos.wakeup.DueListener;
import io.kairos.wakeup.WakeUpStore;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * LISTENs on {@code kairos_due} over a dedicated connection and makes db-scheduler check for due
 * executions at once when the API announces one. The connection is re-established after any
 * failure; while it is down, polling alone finds the jobs.
 */
@Component
@ConditionalOnProperty(name = "kairos.worker.wake-ups", matchIfMissing = true)
public class WakeUpListener implements SmartLifecycle {

  private static final Logger LOG = LoggerFactory.getLogger(WakeUpListener.class);
  private static final int WAIT_MILLIS = 500;
  private static final long RECONNECT_MILLIS = 1000;

  private final WakeUpStore wakeUps;
  private final Scheduler scheduler;
  private volatile boolean running;
  private Thread thread;

  WakeUpListener(DataSource dataSource, Scheduler scheduler) {
    this.wakeUps = new WakeUpStore(dataSource);
    this.scheduler = scheduler;
  }

  @Override
  public void start() {
    running = true;
    thread = new Thread(this::listen, "kairos-wake-up-listener");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void stop() {
    running = false;
    thread.interrupt();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  private void listen() {
    while (running) {
      try (WakeUpStore.Subscription subscription = wakeUps.listen()) {
        LOG.debug("Listening for wake-ups on {}", DueListener.CHANNEL);
        while (running) {
          if (subscription.awaitWakeUp(WAIT_MILLIS)) {
            scheduler.triggerCheckForDueExecutions();
          }
        }
      } catch (Exception e) {
        if (!running) {
          return;
        }
        LOG.warn("Wake-up listener lost its connection ({}); reconnecting", e.getMessage());
        try {
          Thread.sleep(RECONNECT_MILLIS);
        } catch (InterruptedException interrupted) {
          return;
        }
      }
    }
  }
}
