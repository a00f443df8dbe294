package io.kairos.client;

import java.time.Instant;
import java.util.List;

/**
 * A job's schedule as the API stores it: exactly one of {@code at}, {@code cron}, {@code every}
 * (ISO-8601 duration) or {@code daily} (local times of day; declared jobs only). {@code timeZone}
 * belongs to the cron, the daily times or a local {@code at}.
 */
public record Schedule(Instant at, String cron, String timeZone, String every, List<String> daily) {

  public Schedule {
    daily = daily == null ? null : List.copyOf(daily);
  }
}
