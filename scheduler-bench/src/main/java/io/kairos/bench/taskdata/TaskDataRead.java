package io.kairos.bench.taskdata;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.kairos.job.JobData;
import io.kairos.job.ScheduleSpec;
import io.kairos.serialization.KairosJson;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A program, not a test: how long reading one execution's task data takes with Kairos's mapper
 * against the same settings with Jackson's own instant reader (the mapper before instants were read
 * by hand). Rounds alternate; the first is the JIT's and not counted; prints each round and the
 * medians.
 */
public final class TaskDataRead {

  private static final int READS_PER_ROUND = 300_000;
  private static final int ROUNDS = 10;

  private TaskDataRead() {}

  public static void main(String[] args) throws Exception {
    ObjectMapper kairos = KairosJson.newObjectMapper();
    ObjectMapper jackson =
        new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    byte[][] data = new byte[1000][];
    Instant at = Instant.parse("2026-12-03T14:00:00.123456Z");
    for (int i = 0; i < data.length; i++) {
      data[i] =
          kairos.writeValueAsBytes(
              JobData.first(
                  kairos.createObjectNode(), ScheduleSpec.at(at.plusNanos(i * 1000L)), 3));
    }
    List<Double> before = new ArrayList<>();
    List<Double> now = new ArrayList<>();
    long sink = 0;
    for (int round = 0; round < ROUNDS; round++) {
      for (ObjectMapper mapper : new ObjectMapper[] {jackson, kairos}) {
        long start = System.nanoTime();
        for (int i = 0; i < READS_PER_ROUND; i++) {
          sink += mapper.readValue(data[i % data.length], JobData.class).schedule().at().getNano();
        }
        double micros = (System.nanoTime() - start) / 1e3 / READS_PER_ROUND;
        System.out.printf(
            Locale.ROOT,
            "round %d, %s: %.2f µs a read%n",
            round,
            mapper == kairos ? "Kairos's reader" : "Jackson's reader",
            micros);
        if (round > 0) {
          (mapper == kairos ? now : before).add(micros);
        }
      }
    }
    double b = median(before);
    double n = median(now);
    System.out.printf(
        Locale.ROOT,
        "median µs a read: Jackson's reader %.2f, Kairos's %.2f (%.1f× less) [%d]%n",
        b,
        n,
        b / n,
        sink % 10);
  }

  private static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
