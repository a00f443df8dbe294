package io.kairos.clock;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.kairos.testing.TestDatabases;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DatabaseClockTests {

  /** A JVM clock the test moves by hand, as a wrong or jumping system clock would be. */
  static final class MovableClock extends Clock {
    volatile Duration skew = Duration.ZERO;

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.now().plus(skew);
    }
  }

  HikariDataSource dataSource;

  @BeforeEach
  void database() {
    dataSource = TestDatabases.newDatabase().dataSource(2);
  }

  @AfterEach
  void close() {
    dataSource.close();
  }

  @Test
  void aJvmClockTenMinutesOffReadsAsTheDatabasesTime() {
    MovableClock jvm = new MovableClock();
    jvm.skew = Duration.ofMinutes(10);
    try (DatabaseClock clock = new DatabaseClock(dataSource, jvm, Duration.ofHours(1))) {
      Instant database =
          new org.springframework.jdbc.core.JdbcTemplate(dataSource)
              .queryForObject("select clock_timestamp()", java.sql.Timestamp.class)
              .toInstant();
      assertThat(Duration.between(database, clock.now()).abs()).isLessThan(Duration.ofSeconds(5));
      assertThat(clock.offset()).isBetween(Duration.ofMinutes(-11), Duration.ofMinutes(-9));
    }
  }

  @Test
  void itNeverStepsBackwardsWhenTheJvmClockDoes() {
    MovableClock jvm = new MovableClock();
    try (DatabaseClock clock = new DatabaseClock(dataSource, jvm, Duration.ofHours(1))) {
      Instant before = clock.now();
      jvm.skew = Duration.ofSeconds(-30); // e.g. NTP stepping the system clock back

      assertThat(clock.now()).isAfterOrEqualTo(before);
      clock.refresh(); // the offset catches up with the jump
      assertThat(clock.now()).isAfterOrEqualTo(before);
      assertThat(clock.offset()).isBetween(Duration.ofSeconds(29), Duration.ofSeconds(31));
    }
  }
}
