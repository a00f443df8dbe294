package io.kairos.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.execution.AttemptObserver;
import io.kairos.job.RunOutcome;
import io.kairos.schema.KairosSchema;
import io.kairos.worker.metrics.KairosMetrics;
import io.kairos.worker.metrics.OAuthMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The Grafana dashboard and the alert rules shipped in compose/ query only metrics Kairos exports:
 * every {@code kairos_…} name in their expressions must be in what a real worker and a real API
 * serve at {@code /actuator/prometheus} (their registries' own scrape), once each kind of meter has
 * something to show. Renaming a meter in the code fails this test until the files follow.
 */
class GrafanaDashboardTests {

  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  static final Path DASHBOARD = ROOT.resolve("compose/grafana/kairos-dashboard.json");
  static final Path ALERTS = ROOT.resolve("compose/alerts/kairos-alerts.yml");
  static final Pattern METRIC = Pattern.compile("\\bkairos_[a-z0-9_]+");
  static final Pattern EXPORTED = Pattern.compile("^(kairos_[a-z0-9_]+)[{ ]", Pattern.MULTILINE);
  static final String LIMITED_KEY = "grafana-limited-key-5d2e8f1a";

  @Test
  void everyMetricTheDashboardAndTheAlertsQueryIsOneKairosExports() throws Exception {
    Set<String> queried = new TreeSet<>(dashboardMetrics());
    queried.addAll(alertMetrics());
    assertThat(queried).as("metrics named by the dashboard and the alerts").hasSizeGreaterThan(10);

    Set<String> exported;
    try (KairosUnderTest kairos =
        KairosUnderTest.start(
            List.of(),
            List.of(
                "--kairos.api.keys[1].name=limited",
                "--kairos.api.keys[1].sha256=" + KairosUnderTest.sha256(LIMITED_KEY),
                "--kairos.api.keys[1].scopes=jobs:write",
                "--kairos.api.keys[1].quota.creations-per-minute=1"))) {
      exported = exercisedAndScraped(kairos);
    }
    assertThat(exported).doesNotContain("kairos_no_such_metric");
    assertThat(queried).allSatisfy(name -> assertThat(exported).as(name).contains(name));
  }

  /** Gives each kind of Kairos meter a value, then reads both applications' Prometheus text. */
  private static Set<String> exercisedAndScraped(KairosUnderTest kairos) throws Exception {
    // A job created (kairos_api_job_creations_total), and one refused by the key's quota.
    String job = "{\"type\":\"noop\",\"schedule\":{\"at\":\"2099-01-01T00:00:00Z\"}}";
    assertThat(kairos.send("POST", "/api/v1/jobs", job, LIMITED_KEY).statusCode()).isEqualTo(201);
    assertThat(kairos.send("POST", "/api/v1/jobs", job, LIMITED_KEY).statusCode()).isEqualTo(429);
    // Attempts that were retried and that died, as the worker's executor reports them.
    KairosMetrics metrics = kairos.worker.getBean(KairosMetrics.class);
    for (AttemptObserver.Next next : AttemptObserver.Next.values()) {
      metrics.observe(
          new AttemptObserver.AttemptReport(
              "noop", RunOutcome.FAILED, Duration.ofMillis(3), Duration.ofMillis(5), next));
    }
    OAuthMetrics oauth = kairos.worker.getBean(OAuthMetrics.class);
    oauth.reauthRequired("grafana-credential");
    oauth.refresh();
    // A due job of a type no live worker serves: the cluster paused so nobody claims it, and the
    // worker's published types forgotten.
    assertThat(kairos.post("/api/v1/cluster/pause", null).statusCode()).isEqualTo(200);
    assertThat(
            kairos
                .post(
                    "/api/v1/jobs",
                    "{\"id\":\"unserved\",\"type\":\"log\",\"payload\":{\"message\":\"m\"}}")
                .statusCode())
        .isEqualTo(201);
    new JdbcTemplate(kairos.worker.getBean(DataSource.class))
        .update(KairosSchema.DEFAULT.sql("delete from kairos_node_type where type_name = 'log'"));
    metrics.refreshClusterGauges();

    String text =
        kairos.worker.getBean(PrometheusMeterRegistry.class).scrape()
            + kairos.api.getBean(PrometheusMeterRegistry.class).scrape();
    Set<String> names = new TreeSet<>();
    Matcher matcher = EXPORTED.matcher(text);
    while (matcher.find()) {
      names.add(matcher.group(1));
    }
    return names;
  }

  private static Set<String> dashboardMetrics() throws Exception {
    JsonNode dashboard = new ObjectMapper().readTree(Files.readString(DASHBOARD));
    Set<String> names = new TreeSet<>();
    for (JsonNode panel : dashboard.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        names.addAll(metricsIn(target.path("expr").asText()));
      }
    }
    return names;
  }

  private static Set<String> alertMetrics() throws Exception {
    Set<String> names = new TreeSet<>();
    for (String line : Files.readAllLines(ALERTS)) {
      if (line.strip().startsWith("expr:")) {
        names.addAll(metricsIn(line));
      }
    }
    return names;
  }

  private static Set<String> metricsIn(String expression) {
    Set<String> names = new TreeSet<>();
    Matcher matcher = METRIC.matcher(expression);
    while (matcher.find()) {
      names.add(matcher.group());
    }
    return names;
  }
}
