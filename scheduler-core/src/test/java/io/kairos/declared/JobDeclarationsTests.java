package io.kairos.declared;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.kagkarlsson.scheduler.SystemClock;
import com.zaxxer.hikari.HikariDataSource;
import io.kairos.job.Job;
import io.kairos.job.JobSource;
import io.kairos.job.NewJob;
import io.kairos.job.ScheduleSpec;
import io.kairos.schema.KairosSchema;
import io.kairos.testing.KairosFixture;
import io.kairos.testing.Noop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Declared jobs reconciled by several workers at once, each over its own connection pool. */
class JobDeclarationsTests {

  KairosFixture fixture;
  final List<HikariDataSource> pools = new ArrayList<>();

  @BeforeEach
  void setUp() {
    fixture = new KairosFixture(Map.of(Noop.TYPE, new Noop()), 4);
  }

  @AfterEach
  void tearDown() {
    pools.forEach(HikariDataSource::close);
    fixture.close();
  }

  @Test
  void threeWorkersStartingTogetherCreateEachDeclaredJobOnce() throws Exception {
    List<NewJob> declared =
        List.of(
            declaration("clean-tokens", ScheduleSpec.every(Duration.ofHours(1)), "a"),
            declaration("clean-sessions", ScheduleSpec.cron("0 0 3 * * *", null), "b"));
    CyclicBarrier together = new CyclicBarrier(3);
    ExecutorService workers = Executors.newFixedThreadPool(3);
    List<Future<JobDeclarations.Outcome>> outcomes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      JobDeclarations worker = worker();
      Callable<JobDeclarations.Outcome> start =
          () -> {
            together.await();
            return worker.reconcile(declared);
          };
      outcomes.add(workers.submit(start));
    }
    int created = 0;
    for (Future<JobDeclarations.Outcome> outcome : outcomes) {
      created += outcome.get().created().size();
    }
    workers.shutdown();

    assertThat(created).isEqualTo(2);
    assertThat(
            count(
                KairosSchema.DEFAULT.sql(
                    "select count(*) from kairos_job where source = 'CONFIG'")))
        .isEqualTo(2);
    assertThat(count(KairosSchema.DEFAULT.sql("select count(*) from scheduled_tasks")))
        .isEqualTo(2);
  }

  @Test
  void aJobRemovedFromTheConfigurationIsRemovedAndAChangedOneUpdated() {
    JobDeclarations worker = worker();
    worker.reconcile(
        List.of(
            declaration("keep", ScheduleSpec.every(Duration.ofHours(1)), "a"),
            declaration("drop", ScheduleSpec.every(Duration.ofHours(1)), "b")));

    JobDeclarations.Outcome outcome =
        worker.reconcile(
            List.of(declaration("keep", ScheduleSpec.every(Duration.ofHours(2)), "c")));

    assertThat(outcome.removed()).containsExactly("drop");
    assertThat(outcome.updated()).containsExactly("keep");
    assertThat(fixture.jobs.find("drop")).isEmpty();
    assertThat(fixture.jobs.find("keep").orElseThrow().schedule().every())
        .isEqualTo(Duration.ofHours(2));
    assertThat(count(KairosSchema.DEFAULT.sql("select count(*) from scheduled_tasks")))
        .isEqualTo(1);

    assertThat(
            worker.reconcile(
                List.of(declaration("keep", ScheduleSpec.every(Duration.ofHours(2)), "c"))))
        .isEqualTo(
            new JobDeclarations.Outcome(List.of(), List.of(), List.of(), List.of(), List.of()));
  }

  @Test
  void anIdTakenByAnApiJobIsAClashThatLeavesBothAloneAndTheOtherDeclarationsApplied() {
    fixture
        .submitter(new SystemClock())
        .submit(fixture.job("mine", "noop", null, ScheduleSpec.every(Duration.ofHours(1)), 3));

    JobDeclarations.Outcome outcome =
        worker()
            .reconcile(
                List.of(
                    declaration("mine", ScheduleSpec.every(Duration.ofHours(1)), "x"),
                    declaration("theirs", ScheduleSpec.every(Duration.ofHours(1)), "y")));

    assertThat(outcome.clashes()).containsExactly("mine");
    assertThat(outcome.created()).containsExactly("theirs");
    Job mine = fixture.jobs.find("mine").orElseThrow();
    assertThat(mine.createdBy()).isEqualTo("test");
    assertThat(mine.source()).isEqualTo(JobSource.API);
    assertThat(mine.shadowsDeclaration()).isTrue();
    assertThat(fixture.jobs.find("theirs").orElseThrow().source()).isEqualTo(JobSource.CONFIG);

    // The next start without that declaration clears the mark.
    JobDeclarations.Outcome later =
        worker()
            .reconcile(
                List.of(declaration("theirs", ScheduleSpec.every(Duration.ofHours(1)), "y")));
    assertThat(later.clashes()).isEmpty();
    assertThat(fixture.jobs.find("mine").orElseThrow().shadowsDeclaration()).isFalse();
  }

  private NewJob declaration(String id, ScheduleSpec schedule, String hash) {
    return new NewJob(
        id, "noop", null, fixture.json.createObjectNode(), schedule, 3, 0, hash, "config");
  }

  private JobDeclarations worker() {
    HikariDataSource pool = fixture.database.dataSource(3);
    pools.add(pool);
    return fixture.kairos(pool, new SystemClock()).declarations();
  }

  private int count(String sql) {
    return fixture.jdbc.queryForObject(sql, Integer.class);
  }
}
