package io.kairos.bench.measure;

import java.util.List;

/**
 * Summary of one set of samples, in milliseconds. Percentiles are nearest-rank: p99 of 200 samples
 * is the 198th smallest, of 100 the 99th, of 3 the largest.
 *
 * @param count samples measured
 * @param expected samples asked for; more than {@code count} when some never ran in time
 */
public record Stats(int count, int expected, double min, double p50, double p99, double max) {

  public static Stats of(List<Double> millis, int expected) {
    if (millis.isEmpty()) {
      return new Stats(0, expected, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    double[] sorted = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return new Stats(
        sorted.length,
        expected,
        sorted[0],
        percentile(sorted, 0.50),
        percentile(sorted, 0.99),
        sorted[sorted.length - 1]);
  }

  static double percentile(double[] sorted, double fraction) {
    int rank = (int) Math.ceil(fraction * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
  }

  /** The {@code p}-th percentile (nearest rank) of {@code values}, in any order. */
  public static double percentile(List<Double> values, int p) {
    return percentile(
        values.stream().mapToDouble(Double::doubleValue).sorted().toArray(), p / 100.0);
  }

  /** The middle value, or the mean of the two middle values of an even number of them. */
  public static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  public boolean complete() {
    return count == expected;
  }

  @Override
  public String toString() {
    return String.format(
        "n=%d/%d p50=%.1f ms p99=%.1f ms max=%.1f ms", count, expected, p50, p99, max);
  }
}
