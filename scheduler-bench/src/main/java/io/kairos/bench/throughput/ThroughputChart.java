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
            .yAxisTitle("executions/s, median of rounds")
            .build();
    chart.getStyler().setLegendVisible(false);
    chart.getStyler().setXAxisLabelRotation(30);
    chart.getStyler().setLabelsVisible(true);
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    chart.getStyler().setPlotGridVerticalLinesVisible(false);
    // Bars always start at zero in XChart, so no log axis: the labels carry the small values.
    chart.getStyler().setYAxisMin(0.0);
    chart.addSeries(
        "executions/s", labels, rates.stream().map(r -> (double) Math.round(r)).toList());
    Files.createDirectories(png.toAbsolutePath().getParent());
    BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
  }
}
