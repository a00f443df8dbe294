package io.kairos.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The alert rules in compose/alerts pass {@code promtool check rules} and their unit tests ({@code
 * promtool test rules}, one test per alert). Needs Prometheus's promtool on the PATH (Debian's
 * {@code prometheus} package has it); where there is none the test is skipped, saying so.
 */
class AlertRulesTests {

  static final Path ALERTS = Path.of("..", "compose", "alerts").toAbsolutePath().normalize();

  @Test
  void everyAlertRulePassesItsPromtoolUnitTest() throws Exception {
    assumeTrue(
        promtool() != null,
        "promtool is not on the PATH: install Prometheus (apt-get install prometheus) to test the"
            + " alert rules");
    assertThat(run("check", "rules", "kairos-alerts.yml")).contains("SUCCESS: 7 rules found");
    assertThat(run("test", "rules", "kairos-alerts.test.yml")).contains("SUCCESS");
    // One test group per alert: an alert without its own test fails here.
    String rules = Files.readString(ALERTS.resolve("kairos-alerts.yml"));
    String tests = Files.readString(ALERTS.resolve("kairos-alerts.test.yml"));
    for (String line : rules.lines().toList()) {
      if (line.strip().startsWith("- alert:")) {
        String alert = line.strip().substring("- alert:".length()).strip();
        assertThat(tests).as("a unit test for " + alert).contains("alertname: " + alert);
      }
    }
  }

  private static String promtool() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, "promtool");
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return null;
  }

  private static String run(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(promtool()));
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command).directory(ALERTS.toFile()).redirectErrorStream(true).start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as(output).isZero();
    return output;
  }
}
