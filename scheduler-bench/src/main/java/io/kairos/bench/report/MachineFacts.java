package io.kairos.bench.report;

import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;

/**
 * What the numbers were measured on. The load average matters: the machine may be shared, and a
 * busy CPU shows up directly in firing delays.
 *
 * @param java the JVM of the benchmark, which also runs the workers and the API
 */
public record MachineFacts(
    Instant date, int cpus, String os, String java, String postgres, double loadAverage) {

  public static MachineFacts collect(Connection connection) throws SQLException {
    String postgres;
    try (Statement st = connection.createStatement();
        ResultSet rs = st.executeQuery("show server_version")) {
      rs.next();
      postgres = rs.getString(1);
    }
    return new MachineFacts(
        Instant.now(),
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
        postgres,
        loadAverageNow());
  }

  public static double loadAverageNow() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }
}
