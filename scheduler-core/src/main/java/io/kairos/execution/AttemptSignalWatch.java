package io.kairos.execution;

import com.github.kagkarlsson.scheduler.Clock;
import io.kairos.concurrent.DaemonTimers;
import io.kairos.job.Progress;
import io.kairos.running.AttemptSignalStore;
import io.kairos.running.AttemptSignalStore.Claim;
import io.kairos.running.AttemptSignalStore.Reported;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries the signals of this worker's running attempts to and from the database: every {@code
 * every}, while anything runs, it writes the progress reported since its last pass and reads the
 * cancel requests for the claims it holds (one statement each), then cleans up the rows of attempts
 * that ended; and it cancels the attempts of recurring jobs whose next occurrence fell due, when
 * their overlap policy says so (CANCEL_RUNNING). A cancel thus reaches the attempt on whichever
 * worker runs it, within about {@code every}; nothing is read while the worker runs nothing.
 */
final class AttemptSignalWatch implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AttemptSignalWatch.class);

  private final AttemptSignalStore store;
  private final RunningAttempts attempts;
  private final ScheduledExecutorService checker;
  private final Clock clock;

  /** Progress changes already written, by claim; a claim no longer running has ended. */
  private final Map<Claim, Long> written = new HashMap<>();

  AttemptSignalWatch(
      AttemptSignalStore store, RunningAttempts attempts, Duration every, Clock clock) {
    this.clock = clock;
    this.store = store;
    this.attempts = attempts;
    this.checker = DaemonTimers.newTimer("kairos-attempt-signals");
    checker.scheduleWithFixedDelay(
        this::check, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
  }

  synchronized void check() {
    try {
      List<RunningAttempts.Attempt> running = attempts.snapshot();
      Map<Claim, RunningAttempts.Attempt> byClaim = new HashMap<>();
      running.forEach(a -> byClaim.put(a.claim(), a));
      List<Claim> ended = new ArrayList<>();
      written.keySet().removeIf(claim -> !byClaim.containsKey(claim) && ended.add(claim));
      store.forget(ended);
      if (running.isEmpty()) {
        return;
      }
      List<Reported> reports = new ArrayList<>();
      for (RunningAttempts.Attempt attempt : running) {
        long changes = attempt.signals().progressChanges();
        Progress progress = attempt.signals().progress();
        if (progress != null && !Long.valueOf(changes).equals(written.get(attempt.claim()))) {
          reports.add(new Reported(attempt.claim(), attempt.taskName(), progress));
          written.put(attempt.claim(), changes);
        }
      }
      store.saveProgress(reports);
      Instant now = clock.now();
      for (RunningAttempts.Attempt attempt : running) {
        Instant overlappedAt = attempt.overlappedAt();
        if (overlappedAt != null && !now.isBefore(overlappedAt) && !attempt.cancelled()) {
          LOG.info(
              "Job {}: its next occurrence ({}) is due; cancelling the running attempt",
              attempt.claim().jobId(),
              overlappedAt);
          attempt.cancel("overlapped by its next occurrence, due " + overlappedAt);
        }
      }
      Set<Claim> cancelled = store.cancelsAmong(byClaim.keySet());
      for (Claim claim : cancelled) {
        RunningAttempts.Attempt attempt = byClaim.get(claim);
        if (!attempt.cancelled()) {
          // Remembered so its row is cleaned up when it ends, even without progress.
          written.putIfAbsent(claim, -1L);
          LOG.info("Job {}: cancel requested; asking its running attempt to stop", claim.jobId());
          attempt.cancel("cancelled by an operator");
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("Could not exchange running attempts' signals: {}", e.toString());
    }
  }

  @Override
  public void close() {
    checker.shutdownNow();
  }
}
