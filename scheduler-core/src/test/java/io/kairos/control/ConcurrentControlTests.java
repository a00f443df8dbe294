package io.kairos.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.kagkarlsson.scheduler.testhelper.SettableClock;
import io.kairos.job.Job;
import io.kairos.job.JobState;
import io.kairos.job.JobStateConflict;
import io.kairos.job.ScheduleSpec;
import io.kairos.testing.KairosFixture;
import io.kairos.testing.Noop;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Changes racing on one job (cancel against pause and resume) on a real PostgreSQL: each either
 * happens or is refused as a conflict; none fails otherwise, and the job ends in one state with its
 * execution where that state says it is.
 */
class ConcurrentControlTests {

  static final int ROUNDS = 60;
  static KairosFixture fixture;

  @BeforeAll
  static void database() {
    fixture = new KairosFixture(Map.of(Noop.TYPE, new Noop()), 8);
  }

  @AfterAll
  static void closeDatabase() {
    fixture.close();
  }

  @Test
  void cancelRacingPauseAndResumeEitherHappensOrIsAConflict() throws Exception {
    SettableClock clock = new SettableClock();
    clock.set(Instant.parse("2026-03-01T10:00:00Z"));
    JobSubmitter submitter = fixture.submitter(clock);
    JobControl control = fixture.kairos(clock).control();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    for (int round = 0; round < ROUNDS; round++) {
      String id = "race-" + round;
      submitter.submit(
          fixture.job(
              id, "noop", fixture.payload("{}"), ScheduleSpec.every(Duration.ofHours(1)), 3));
      if (round % 2 == 1) {
        control.pause(id, "setup");
      }
      List<Consumer<String>> changes =
          List.of(
              x -> control.cancel(x, "a"),
              x -> control.pause(x, "b"),
              x -> control.resume(x, "c"),
              x -> control.pause(x, "d"),
              x -> control.resume(x, "e"));
      CyclicBarrier start = new CyclicBarrier(changes.size());
      List<Thread> threads = new ArrayList<>();
      for (Consumer<String> change : changes) {
        Thread thread =
            new Thread(
                () -> {
                  try {
                    start.await();
                    change.accept(id);
                  } catch (JobStateConflict expected) {
                    // cancelled (or otherwise final) first: refused, nothing changed
                  } catch (Throwable e) {
                    failures.add(e);
                  }
                });
        thread.start();
        threads.add(thread);
      }
      for (Thread thread : threads) {
        thread.join();
      }
      Job job = fixture.jobs.find(id).orElseThrow();
      assertThat(job.state()).isIn(JobState.CANCELLED, JobState.PAUSED, JobState.SCHEDULED);
      int executions =
          fixture.jdbc.queryForObject(
              "select count(*) from kairos.scheduled_tasks where task_instance = ?",
              Integer.class,
              id);
      assertThat(executions).as(id).isEqualTo(job.state() == JobState.SCHEDULED ? 1 : 0);
    }
    assertThat(failures).isEmpty();
  }
}
