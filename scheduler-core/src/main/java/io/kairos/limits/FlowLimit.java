package io.kairos.limits;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One flow limit on the jobs of one type: how many may run at once ({@code maxRunning}), how many
 * may start per interval ({@code maxStarts} per {@code per}), or both; cluster-wide.
 *
 * <p>Without a {@code key} the limit counts all jobs of the type together. With one, it applies to
 * each concurrency key matching it separately ({@code *} any key, {@code customer-*} keys starting
 * so): {@code customer-42} and {@code customer-7} have a limit each, and a job without a key is not
 * held back by it. A job's key is its own {@code concurrencyKey} when it was created with one;
 * otherwise it is read from its payload at {@code keyFrom} (a JSON pointer, e.g. {@code
 * /customerId}), and a value that is an absolute URL gives its host, so webhooks to one partner
 * share a key. A limit per key without {@code keyFrom} applies to the jobs' own keys alone.
 *
 * @param type the job type
 * @param key which keys the limit applies to, each separately; null: the type as a whole
 * @param keyFrom where in the payload the key of a job without a key of its own is (JSON pointer);
 *     all limits of a type that name one name the same; null: only the jobs' own keys
 * @param maxRunning at most this many running at once; null: no concurrency limit
 * @param maxStarts at most this many starts within any {@code per}; null: no rate limit
 * @param per the rate limit's interval
 */
public record FlowLimit(
    String type, String key, String keyFrom, Integer maxRunning, Integer maxStarts, Duration per) {

  /** Key patterns compiled, by their text (a handful, from configuration). */
  private static final Map<String, Pattern> MATCHERS = new ConcurrentHashMap<>();

  private static final Pattern KEY_PATTERN = Pattern.compile("[A-Za-z0-9._:@*-]{1,200}");
  private static final Pattern POINTER = Pattern.compile("(/[A-Za-z0-9_-]{1,100}){1,10}");

  public FlowLimit {
    if (type == null || type.isBlank()) {
      throw new IllegalArgumentException("type: a limit must name its job type");
    }
    if (key != null && !KEY_PATTERN.matcher(key).matches()) {
      throw new IllegalArgumentException(
          "key: must be a key or a pattern with * of [A-Za-z0-9._:@*-]{1,200}, not '" + key + "'");
    }
    if (keyFrom != null && !POINTER.matcher(keyFrom).matches()) {
      throw new IllegalArgumentException(
          "key-from: must be a JSON pointer such as /customerId (segments of [A-Za-z0-9_-]), not '"
              + keyFrom
              + "'");
    }
    if (key == null && keyFrom != null) {
      throw new IllegalArgumentException(
          "key-from: only a limit per key (key: \"*\" or a pattern) reads a key from the payload");
    }
    if (maxRunning == null && maxStarts == null) {
      throw new IllegalArgumentException(
          "max-running: a limit needs max-running, max-starts (with per), or both");
    }
    if (maxRunning != null && (maxRunning < 1 || maxRunning > 100_000)) {
      throw new IllegalArgumentException("max-running: must be 1 to 100000, not " + maxRunning);
    }
    if (maxStarts != null) {
      if (maxStarts < 1 || maxStarts > 1_000_000) {
        throw new IllegalArgumentException("max-starts: must be 1 to 1000000, not " + maxStarts);
      }
      if (per == null || per.toMillis() < 1 || per.compareTo(Duration.ofDays(1)) > 0) {
        throw new IllegalArgumentException(
            "per: a rate limit needs an interval from 1ms to 1d, not " + per);
      }
    } else if (per != null) {
      throw new IllegalArgumentException("per: only a rate limit (max-starts) has an interval");
    }
  }

  /** The limit's name in messages, metrics and the dashboard: {@code type} or {@code type/key}. */
  public String name() {
    return key == null ? type : type + "/" + key;
  }

  /** Whether this limit applies to a job of its type with this key (null: the job has none). */
  public boolean appliesTo(String jobKey) {
    return key == null || (jobKey != null && keyMatcher().matcher(jobKey).matches());
  }

  /**
   * Which counter of this limit a job with {@code jobKey} uses: the key itself for a limit per key,
   * the empty string for the type as a whole.
   */
  public String counterOf(String jobKey) {
    return key == null ? "" : jobKey;
  }

  private Pattern keyMatcher() {
    return MATCHERS.computeIfAbsent(
        key,
        glob ->
            Pattern.compile(
                Arrays.stream(glob.split("\\*", -1))
                    .map(Pattern::quote)
                    .collect(Collectors.joining(".*"))));
  }
}
