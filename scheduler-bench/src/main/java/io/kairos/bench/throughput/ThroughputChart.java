package io.kairos.bench.throughput;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/** A bar chart of executions per second per configuration, written as PNG. */
final class ThroughputChart {

  private ThroughputChart() {}

  static void write(Path png, String title, List<String> labels, List<Double> rates)
      throws IOException {
    System.setProperty("java.awt.headless", "true");
    CategoryChart chart =
        new CategoryChartBuilder()
            .width(1100)
            .height(650)
            .title(title)
            .xAxisTitle("configuration")
            .yAxisTitle("executions/s, median of rounds (log scale)")
            .build();
    chart.getStyler().setLegendVisible(false);
    chart.getStyler().setXAxisLabelRotation(30);
    chart.getStyler().setLabelsVisible(true);
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    chart.getStyler().setPlotGridVerticalLinesVisible(false);
    // The SQL limit is an order of magnitude above the schedulers: a linear axis flattens them.
    chart.getStyler().setYAxisLogarithmic(true);
    chart.addSeries(
        "executions/s", labels, rates.stream().map(r -> (double) Math.round(r)).toList());
    Files.createDirectories(png.toAbsolutePath().getParent());
    BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
  }
}
