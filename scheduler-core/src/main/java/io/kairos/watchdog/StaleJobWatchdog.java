package io.kairos.watchdog;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.kagkarlsson.scheduler.Clock;
import io.kairos.job.ScheduleSpec;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Finds jobs that should have run and did not (the seeds' freshness watchdog, for a cluster): a
 * recurring job whose last success (or creation, if it never succeeded) is older than its typical
 * interval × {@code tolerance} + {@code grace}, and a one-time job due for longer than {@code
 * unclaimedAfter} without any worker claiming it. Stale jobs get {@code kairos_job.stale_since};
 * jobs that are fresh again lose it.
 */
public final class StaleJobWatchdog {

  private final JdbcTemplate jdbc;
  private final ObjectMapper json;
  private final Clock clock;
  private final Settings settings;

  /**
   * @param tolerance how many intervals a recurring job may go without success
   * @param grace added to the allowance, so a job running every second is not stale after 2 s
   * @param unclaimedAfter how long a due one-time job may wait for a worker
   */
  public record Settings(double tolerance, Duration grace, Duration unclaimedAfter) {
    public Settings {
      if (tolerance < 1.0) {
        throw new IllegalArgumentException("stale tolerance must be at least 1");
      }
      if (grace.isNegative() || unclaimedAfter.isNegative()) {
        throw new IllegalArgumentException("stale grace and unclaimed-after must not be negative");
      }
    }
  }

  /** The outcome of one check. */
  public record Report(List<String> stale, List<String> newlyStale, List<String> freshAgain) {}

  public StaleJobWatchdog(
      DataSource dataSource, ObjectMapper json, Clock clock, Settings settings) {
    this.jdbc = new JdbcTemplate(dataSource);
    this.json = json;
    this.clock = clock;
    this.settings = settings;
  }

  public Report check() {
    Instant now = clock.now();
    List<String> stale = new ArrayList<>();
    List<String> newlyStale = new ArrayList<>();
    List<String> freshAgain = new ArrayList<>();
    jdbc.query(
        "select j.id, j.schedule, j.created_at, j.stale_since, t.execution_time, t.picked,"
            + " t.last_success from kairos_job j join scheduled_tasks t on t.task_name = j.type"
            + " and t.task_instance = j.id where j.state = 'ACTIVE'",
        rs -> {
          String id = rs.getString("id");
          ScheduleSpec schedule = read(rs.getString("schedule"));
          boolean isStale;
          if (schedule != null && schedule.recurring()) {
            Timestamp lastSuccess = rs.getTimestamp("last_success");
            Instant reference =
                (lastSuccess != null ? lastSuccess : rs.getTimestamp("created_at")).toInstant();
            Duration interval = schedule.typicalInterval(now);
            Duration allowed =
                Duration.ofMillis((long) (interval.toMillis() * settings.tolerance()))
                    .plus(settings.grace());
            isStale = Duration.between(reference, now).compareTo(allowed) > 0;
          } else {
            Instant due = rs.getTimestamp("execution_time").toInstant();
            isStale =
                !rs.getBoolean("picked")
                    && Duration.between(due, now).compareTo(settings.unclaimedAfter()) > 0;
          }
          boolean wasStale = rs.getTimestamp("stale_since") != null;
          if (isStale) {
            stale.add(id);
            if (!wasStale) {
              newlyStale.add(id);
            }
          } else if (wasStale) {
            freshAgain.add(id);
          }
        });
    for (String id : newlyStale) {
      jdbc.update(
          "update kairos_job set stale_since = now() where id = ? and stale_since is null", id);
    }
    for (String id : freshAgain) {
      jdbc.update("update kairos_job set stale_since = null where id = ?", id);
    }
    return new Report(stale, newlyStale, freshAgain);
  }

  /** How many jobs are stale now, as the last check left them. */
  public int staleCount() {
    Integer count =
        jdbc.queryForObject(
            "select count(*) from kairos_job where stale_since is not null", Integer.class);
    return count == null ? 0 : count;
  }

  private ScheduleSpec read(String schedule) {
    try {
      return schedule == null ? null : json.readValue(schedule, ScheduleSpec.class);
    } catch (Exception e) {
      return null;
    }
  }
}
