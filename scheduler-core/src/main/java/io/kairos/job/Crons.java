package io.kairos.job;

import com.github.kagkarlsson.shaded.cronutils.model.CronType;
import com.github.kagkarlsson.shaded.cronutils.model.definition.CronDefinitionBuilder;
import com.github.kagkarlsson.shaded.cronutils.model.time.ExecutionTime;
import com.github.kagkarlsson.shaded.cronutils.parser.CronParser;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cron expressions as Kairos reads them: parsed once per text (every read of a job with a cron
 * would otherwise parse and check it anew, and cron-utils' work grows with the lists a cron holds),
 * and, when a client gives a new one, bounded in size so that computing its occurrences stays
 * cheap.
 */
final class Crons {

  /** The longest cron a client may give; crontab lines worth writing are far shorter. */
  static final int MAX_LENGTH = 100;

  /**
   * The most values a cron may list with commas, over all its fields (a field without commas counts
   * one): cron-utils' work per occurrence grows with them. Ranges and steps cost little.
   */
  static final int MAX_VALUES = 24;

  /** Beyond this many distinct texts the caches start afresh, so they stay small. */
  private static final int CACHED = 10_000;

  private static final Map<String, ExecutionTime> PARSED = new ConcurrentHashMap<>();
  private static final Set<String> VALID = ConcurrentHashMap.newKeySet();

  private Crons() {}

  /**
   * Refuses a new cron that is too long, lists too many values, or holds anything but printable
   * ASCII (a tab, a line break, a digit of another script): what the constructor would check
   * besides, it checks.
   */
  static void checkNew(String cron) {
    if (cron == null) {
      return; // the constructor names what is missing
    }
    if (cron.length() > MAX_LENGTH) {
      throw new InvalidScheduleException(
          "schedule.cron", "is longer than " + MAX_LENGTH + " characters");
    }
    for (int i = 0; i < cron.length(); i++) {
      char c = cron.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        throw new InvalidScheduleException(
            "schedule.cron",
            "must be printable ASCII: fields separated by spaces, digits 0-9 (no tab, line break"
                + " or other character, at index "
                + i
                + ")");
      }
    }
    int values = 0;
    for (String field : cron.trim().split(" +")) {
      values += field.split(",", -1).length;
    }
    if (values > MAX_VALUES) {
      throw new InvalidScheduleException(
          "schedule.cron",
          "lists "
              + values
              + " values; at most "
              + MAX_VALUES
              + " are allowed (write ranges and steps instead: 0-30, */5)");
    }
  }

  /**
   * The cron matched against wall-clock time (see {@link ScheduleSpec}): five fields as crontab
   * reads them, six fields and macros as Spring does. Parsed once per text.
   */
  static ExecutionTime executionTime(String cron) {
    ExecutionTime parsed = PARSED.get(cron);
    if (parsed == null) {
      parsed = parse(cron);
      if (PARSED.size() >= CACHED) {
        PARSED.clear();
      }
      PARSED.put(cron, parsed);
    }
    return parsed;
  }

  /** Whether this text was found valid before (then it need not be checked again). */
  static boolean knownValid(String cron) {
    return VALID.contains(cron);
  }

  static void markValid(String cron) {
    if (VALID.size() >= CACHED) {
      VALID.clear();
    }
    VALID.add(cron);
  }

  private static ExecutionTime parse(String cron) {
    String trimmed = cron.trim();
    CronType type;
    if (trimmed.startsWith("@")) {
      trimmed = trimmed.toLowerCase(Locale.ROOT);
      type = CronType.SPRING53;
    } else {
      type = trimmed.split("\\s+").length == 5 ? CronType.UNIX : CronType.SPRING53;
    }
    return ExecutionTime.forCron(
        new CronParser(CronDefinitionBuilder.instanceDefinitionFor(type)).parse(trimmed));
  }
}
