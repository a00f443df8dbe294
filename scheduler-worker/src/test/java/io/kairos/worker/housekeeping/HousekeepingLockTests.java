package io.kairos.worker.housekeeping;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.kairos.migration.KairosMigrations;
import io.kairos.schema.KairosSchema;
import io.kairos.testing.TestDatabases;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.javacrumbs.shedlock.core.DefaultLockingTaskExecutor;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockingTaskExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Housekeeping's lock as the workers configure it (JDBC, database time, the {@code shedlock} table
 * in Kairos's schema): three workers, each with its own pool, reach the same chore at once; one
 * runs it.
 */
class HousekeepingLockTests {

  final List<HikariDataSource> pools = new ArrayList<>();

  @AfterEach
  void close() {
    pools.forEach(HikariDataSource::close);
  }

  @Test
  void threeWorkersReachingAChoreTogetherRunItOnce() throws Exception {
    TestDatabases.TestDatabase db = TestDatabases.newDatabase();
    HikariDataSource first = db.dataSource(2);
    pools.add(first);
    KairosMigrations.migrate(first);
    AtomicInteger running = new AtomicInteger();
    AtomicInteger ran = new AtomicInteger();
    AtomicInteger mostAtOnce = new AtomicInteger();
    CountDownLatch allTried = new CountDownLatch(3);
    ExecutorService workers = Executors.newFixedThreadPool(3);
    List<Future<?>> done = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      HikariDataSource pool = i == 0 ? first : db.dataSource(2);
      pools.add(pool);
      LockingTaskExecutor executor =
          new DefaultLockingTaskExecutor(
              new HousekeepingConfiguration().lockProvider(pool, KairosSchema.DEFAULT));
      done.add(
          workers.submit(
              () -> {
                allTried.countDown();
                executor.executeWithLock(
                    (Runnable)
                        () -> {
                          mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                          ran.incrementAndGet();
                          try {
                            // Hold the lock until every worker has tried to take it.
                            allTried.await(10, TimeUnit.SECONDS);
                          } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                          }
                          running.decrementAndGet();
                        },
                    new LockConfiguration(
                        Instant.now(),
                        "kairos-prune",
                        Duration.ofMinutes(1),
                        Duration.ofSeconds(30)));
                return null;
              }));
    }
    for (Future<?> f : done) {
      f.get(30, TimeUnit.SECONDS);
    }
    workers.shutdown();

    assertThat(ran).hasValue(1);
    assertThat(mostAtOnce).hasValue(1);
  }
}
