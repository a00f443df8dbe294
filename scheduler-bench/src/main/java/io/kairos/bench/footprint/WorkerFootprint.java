package io.kairos.bench.footprint;

import io.kairos.bench.cluster.SoloWorker;
import io.kairos.bench.scale.PendingJobs;
import io.kairos.bench.throughput.DrainProgress;
import io.kairos.core.Kairos;
import io.kairos.job.MisfirePolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A worker JVM's memory after many executions: a backlog of due noop jobs (written as the core
 * writes them, with no misfire grace so that a backlog longer than the default grace still runs
 * rather than being recorded as missed) drained by the worker; then its peak resident set ({@code
 * VmHWM} in {@code /proc/<pid>/status}) and, after a full GC ({@code jcmd GC.run}), its live heap
 * ({@code jcmd GC.heap_info}).
 */
public final class WorkerFootprint {

  private static final String PREFIX = "mass-";
  private static final Pattern USED = Pattern.compile("used (\\d+)K");

  /**
   * @param executionsBefore executions the worker had already run (other phases) when this began
   * @param drainTime from the first job written to the last one done
   */
  public record Footprint(
      int executions,
      int executionsBefore,
      Duration drainTime,
      long peakRssKib,
      long rssKib,
      long liveHeapKib,
      String heapInfo) {}

  private WorkerFootprint() {}

  public static Footprint measure(
      Kairos kairos, SoloWorker worker, int executions, int executionsBefore, Duration limit)
      throws IOException, InterruptedException {
    long start = System.nanoTime();
    new PendingJobs(kairos)
        .insert(
            PREFIX,
            0,
            executions,
            Instant.now(),
            MisfirePolicy.NONE,
            n -> System.out.printf("        wrote %,d due jobs%n", n));
    long remaining =
        DrainProgress.awaitDrained(
            executions, start, limit, () -> executions - kairos.runs().countFirstAttempts(PREFIX));
    Duration drain = Duration.ofNanos(System.nanoTime() - start);
    if (remaining > 0 || !worker.alive()) {
      throw new IllegalStateException(
          remaining + " jobs not run within " + limit + "; worker log:\n" + worker.logTail(20));
    }
    long peak = statusKib(worker.pid(), "VmHWM");
    long rss = statusKib(worker.pid(), "VmRSS");
    jcmd(worker.pid(), "GC.run");
    String heapInfo = jcmd(worker.pid(), "GC.heap_info");
    Matcher used = USED.matcher(heapInfo);
    long live = used.find() ? Long.parseLong(used.group(1)) : -1;
    return new Footprint(executions, executionsBefore, drain, peak, rss, live, heapInfo.strip());
  }

  private static long statusKib(long pid, String field) throws IOException {
    for (String line :
        Files.readAllLines(Path.of("/proc/" + pid + "/status"), StandardCharsets.UTF_8)) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException(field + " not in /proc/" + pid + "/status");
  }

  private static String jcmd(long pid, String command) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p =
        new ProcessBuilder(
                Files.isExecutable(jcmd) ? jcmd.toString() : "jcmd", Long.toString(pid), command)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("jcmd " + command + " failed: " + out);
    }
    return out;
  }
}
