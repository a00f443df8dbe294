package io.kairos.api.ui;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * How pages show times (its methods are public for the templates): in the viewer's zone (the {@code
 * tz} parameter the page script sets from the browser, UTC without it), and relative to the
 * database's now.
 */
final class UiFormat {

  /** Named "UTC" on the pages rather than "Z". */
  static final ZoneId UTC = ZoneId.of("UTC");

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("HH:mm");

  private final ZoneId zone;
  private final Instant now;

  UiFormat(ZoneId zone, Instant now) {
    this.zone = zone;
    this.now = now;
  }

  /** The viewer's zone from the {@code tz} parameter; 400 naming {@code tz} when unknown. */
  static ZoneId viewerZone(String tz) {
    if (tz == null || tz.isBlank()) {
      return UTC;
    }
    try {
      return ZoneId.of(tz);
    } catch (DateTimeException e) {
      throw new io.kairos.job.InvalidJobException("tz", "'" + tz + "' is not a known time zone");
    }
  }

  public ZoneId zone() {
    return zone;
  }

  public Instant now() {
    return now;
  }

  public String time(Instant instant) {
    return instant == null ? "—" : TIME.format(instant.atZone(zone));
  }

  public String timeIn(Instant instant, ZoneId in) {
    return instant == null ? "—" : TIME.format(instant.atZone(in));
  }

  public String minute(Instant instant) {
    return MINUTE.format(instant.atZone(zone));
  }

  public String iso(Instant instant) {
    return instant == null ? "" : instant.toString();
  }

  /** "12 s ago", "in 3 min". */
  public String ago(Instant instant) {
    if (instant == null) {
      return "";
    }
    Duration d = Duration.between(instant, now);
    return d.isNegative() ? "in " + duration(d.negated()) : duration(d) + " ago";
  }

  /** How long an attempt took, or has been running. */
  public String took(Instant started, Instant finished) {
    if (started == null) {
      return "—";
    }
    if (finished == null) {
      return "running " + duration(Duration.between(started, now));
    }
    return duration(Duration.between(started, finished));
  }

  /** Compact: "850 ms", "4.2 s", "3 min 5 s", "2 h 10 min", "3 d 4 h". */
  public String duration(Duration d) {
    if (d == null) {
      return "—";
    }
    if (d.isNegative()) {
      d = Duration.ZERO;
    }
    long ms = d.toMillis();
    if (ms < 1000) {
      return ms + " ms";
    }
    if (ms < 10_000) {
      return String.format("%.1f s", ms / 1000.0);
    }
    long s = d.toSeconds();
    if (s < 60) {
      return s + " s";
    }
    if (s < 3600) {
      return (s / 60) + " min" + (s % 60 == 0 ? "" : " " + (s % 60) + " s");
    }
    if (s < 86_400) {
      return (s / 3600) + " h" + (s % 3600 / 60 == 0 ? "" : " " + (s % 3600 / 60) + " min");
    }
    return (s / 86_400) + " d" + (s % 86_400 / 3600 == 0 ? "" : " " + (s % 86_400 / 3600) + " h");
  }
}
