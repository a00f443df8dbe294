package io.kairos.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.kairos.job.Job;
import io.kairos.job.JobFilter;
import io.kairos.job.JobSource;
import io.kairos.job.ScheduleSpec;
import io.kairos.schema.KairosSchema;
import io.kairos.testing.KairosFixture;
import io.kairos.testing.Noop;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A job's last success, last failure and failures since are what its execution or its pause
 * carries, else what its revision's history says; a list page, a read and a read of many agree, and
 * agree with the single statement that once folded history into the row.
 */
class JobOutcomeReadTests {

  /** The statement the reads used before history left it, as the reference. */
  private static final String FOLDED =
      "select j.id,"
          + " coalesce(t.last_success, j.paused_last_success, (select max(r.finished_at) from"
          + " kairos_job_run r where r.job_id = j.id and r.revision = j.revision and r.outcome ="
          + " 'SUCCEEDED')) as last_success,"
          + " coalesce(t.last_failure, j.paused_last_failure, (select max(r.finished_at) from"
          + " kairos_job_run r where r.job_id = j.id and r.revision = j.revision and r.outcome not"
          + " in ('SUCCEEDED', 'RUNNING', 'MISSED'))) as last_failure,"
          + " coalesce(t.consecutive_failures, j.paused_consecutive_failures, (select count(*)"
          + " from kairos_job_run r where r.job_id = j.id and r.revision = j.revision"
          + " and r.outcome not in ('SUCCEEDED', 'RUNNING', 'MISSED') and r.id > coalesce((select"
          + " max(s.id) from kairos_job_run s where s.job_id = j.id and s.revision = j.revision"
          + " and s.outcome = 'SUCCEEDED'), 0))) as consecutive_failures"
          + " from kairos_job j left join scheduled_tasks t"
          + " on t.task_name = j.type and t.task_instance = j.id where j.id like 'outcome-%'";

  static final Instant T = Instant.parse("2026-11-20T10:00:00Z");

  static KairosFixture fixture;

  @BeforeAll
  static void database() {
    fixture = new KairosFixture(Map.of(Noop.TYPE, new Noop()), 2);
    for (String id :
        List.of(
            "outcome-fresh",
            "outcome-pending",
            "outcome-ran",
            "outcome-paused",
            "outcome-dead",
            "outcome-unknown-count")) {
      fixture.jobs.create(
          fixture.sealed(fixture.job(id, "noop", null, ScheduleSpec.at(T.plusSeconds(86_400)), 3)),
          JobSource.API);
    }
    // A pending job replaced after runs: the earlier revision's runs are not this one's.
    fixture.jdbc.update(sql("update kairos_job set revision = 2 where id = 'outcome-pending'"));
    run("outcome-pending", 1, "SUCCEEDED", 50);
    run("outcome-pending", 2, "FAILED", 1);
    run("outcome-pending", 2, "SUCCEEDED", 2);
    run("outcome-pending", 2, "TIMED_OUT", 3);
    run("outcome-pending", 2, "MISSED", 4);
    run("outcome-pending", 2, "WORKER_DIED", 5);
    run("outcome-pending", 2, "RUNNING", 6);
    run("outcome-pending", 1, "FAILED", 60);
    // An execution that carries its outcome: history does not overrule it.
    run("outcome-ran", 1, "SUCCEEDED", 70);
    run("outcome-ran", 1, "FAILED", 71);
    fixture.jdbc.update(
        sql(
            "update scheduled_tasks set last_success = ?, last_failure = ?,"
                + " consecutive_failures = 0 where task_instance = 'outcome-ran'"),
        Timestamp.from(T.plusSeconds(10)),
        Timestamp.from(T.plusSeconds(11)));
    // Paused: its pause keeps its success, not its failure; history tells that one.
    run("outcome-paused", 1, "FAILED", 20);
    run("outcome-paused", 1, "SUCCEEDED", 21);
    fixture.jdbc.update(sql("delete from scheduled_tasks where task_instance = 'outcome-paused'"));
    fixture.jdbc.update(
        sql(
            "update kairos_job set state = 'PAUSED', paused_last_success = ?,"
                + " paused_consecutive_failures = 4 where id = 'outcome-paused'"),
        Timestamp.from(T.plusSeconds(30)));
    // Dead: no execution; all from history.
    run("outcome-dead", 1, "FAILED", 30);
    run("outcome-dead", 1, "SUCCEEDED", 31);
    run("outcome-dead", 1, "FAILED", 32);
    run("outcome-dead", 1, "CANCELLED", 33);
    fixture.jdbc.update(sql("delete from scheduled_tasks where task_instance = 'outcome-dead'"));
    fixture.finish("outcome-dead", io.kairos.job.JobState.DEAD, "boom");
    // An execution without a failure count: history counts.
    run("outcome-unknown-count", 1, "FAILED", 40);
    fixture.jdbc.update(
        sql(
            "update scheduled_tasks set consecutive_failures = null"
                + " where task_instance = 'outcome-unknown-count'"));
  }

  @AfterAll
  static void closeDatabase() {
    fixture.close();
  }

  @Test
  void aPendingJobWithPastRunsOfItsRevisionShowsTheirOutcome() {
    Job pending = fixture.jobs.find("outcome-pending").orElseThrow();
    assertThat(pending.lastSuccess()).isEqualTo(T.plusSeconds(2));
    assertThat(pending.lastFailure()).isEqualTo(T.plusSeconds(5));
    assertThat(pending.consecutiveFailures())
        .as("a first execution has no count yet: the failures since the revision's success")
        .isEqualTo(2);

    Job dead = fixture.jobs.find("outcome-dead").orElseThrow();
    assertThat(dead.lastSuccess()).isEqualTo(T.plusSeconds(31));
    assertThat(dead.lastFailure()).isEqualTo(T.plusSeconds(33));
    assertThat(dead.consecutiveFailures()).isEqualTo(2);

    Job paused = fixture.jobs.find("outcome-paused").orElseThrow();
    assertThat(paused.lastSuccess()).isEqualTo(T.plusSeconds(30));
    assertThat(paused.lastFailure()).isEqualTo(T.plusSeconds(20));
    assertThat(paused.consecutiveFailures()).isEqualTo(4);

    Job ran = fixture.jobs.find("outcome-ran").orElseThrow();
    assertThat(ran.lastSuccess()).isEqualTo(T.plusSeconds(10));
    assertThat(ran.lastFailure()).isEqualTo(T.plusSeconds(11));

    assertThat(fixture.jobs.find("outcome-unknown-count").orElseThrow().consecutiveFailures())
        .isEqualTo(1);
    Job fresh = fixture.jobs.find("outcome-fresh").orElseThrow();
    assertThat(fresh.lastSuccess()).isNull();
    assertThat(fresh.lastFailure()).isNull();
  }

  @Test
  void aListPageAReadAndAReadOfManyAgreeWithTheFoldedStatement() {
    Map<String, List<Object>> expected =
        fixture
            .jdbc
            .query(
                sql(FOLDED),
                (rs, row) ->
                    Map.entry(
                        rs.getString("id"),
                        outcome(
                            JobRows.instant(rs, "last_success"),
                            JobRows.instant(rs, "last_failure"),
                            rs.getInt("consecutive_failures"))))
            .stream()
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    assertThat(expected).hasSize(6);

    List<Job> page =
        fixture.jobs.list(new JobFilter(null, null, null, "outcome-", false), null, 100);
    assertThat(outcomes(page)).isEqualTo(expected);
    // Pages of two: the fallback is per page.
    List<Job> paged = new java.util.ArrayList<>();
    String after = null;
    List<Job> one;
    do {
      one = fixture.jobs.list(new JobFilter(null, null, null, "outcome-", false), after, 2);
      paged.addAll(one);
      after = one.isEmpty() ? null : one.get(one.size() - 1).id();
    } while (!one.isEmpty());
    assertThat(paged).isEqualTo(page);
    assertThat(fixture.jobs.findAll(expected.keySet()).values())
        .containsExactlyInAnyOrderElementsOf(page);
    for (Job job : page) {
      assertThat(fixture.jobs.find(job.id())).contains(job);
    }
  }

  @Test
  void aPageOfMoreJobsThanOneHistoryReadTakesEachOnesOutcome() {
    int count = RevisionOutcomeStore.JOBS_PER_READ * 2 + 1;
    fixture.jobs.createAll(
        java.util.stream.IntStream.range(0, count)
            .mapToObj(
                i ->
                    fixture.sealed(
                        fixture.job(
                            "many-%03d".formatted(i),
                            "noop",
                            null,
                            ScheduleSpec.at(T.plusSeconds(86_400)),
                            1)))
            .toList(),
        JobSource.API);
    for (int i = 0; i < count; i++) {
      run("many-%03d".formatted(i), 1, "FAILED", i);
    }
    List<Job> page = fixture.jobs.list(new JobFilter(null, null, null, "many-", false), null, 500);
    assertThat(page).hasSize(count);
    for (int i = 0; i < count; i++) {
      assertThat(page.get(i).lastFailure()).as(page.get(i).id()).isEqualTo(T.plusSeconds(i));
      assertThat(page.get(i).consecutiveFailures()).as(page.get(i).id()).isEqualTo(1);
    }
  }

  @Test
  void theLastRunOfEachJobIsItsNewestAttempt() {
    assertThat(fixture.runs.lastRunsOf(List.of("outcome-pending", "outcome-dead", "outcome-fresh")))
        .extracting(run -> run.jobId() + " " + run.outcome() + " " + run.revision())
        .containsExactly("outcome-dead CANCELLED 1", "outcome-pending FAILED 1");
  }

  private static Map<String, List<Object>> outcomes(List<Job> jobs) {
    return jobs.stream()
        .collect(
            Collectors.toMap(
                Job::id,
                job -> outcome(job.lastSuccess(), job.lastFailure(), job.consecutiveFailures())));
  }

  private static List<Object> outcome(Instant success, Instant failure, int failures) {
    return java.util.Arrays.asList(success, failure, failures);
  }

  /** One attempt of {@code id}'s revision, finished {@code second}s after {@link #T}. */
  private static void run(String id, int revision, String outcome, int second) {
    Instant at = T.plusSeconds(second);
    fixture.jdbc.update(
        sql(
            "insert into kairos_job_run (job_id, job_type, scheduled_for, started_at, finished_at,"
                + " node, attempt, outcome, revision) values (?, 'noop', ?, ?, ?, 'n', 1, ?, ?)"),
        id,
        Timestamp.from(at),
        Timestamp.from(at),
        "RUNNING".equals(outcome) ? null : Timestamp.from(at),
        outcome,
        revision);
  }

  private static String sql(String statement) {
    return KairosSchema.DEFAULT.sql(statement);
  }
}
