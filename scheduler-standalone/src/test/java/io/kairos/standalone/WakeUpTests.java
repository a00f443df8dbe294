package io.kairos.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kairos.api.ApiApplication;
import io.kairos.testing.TestDatabases;
import io.kairos.worker.WorkerApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Workers that poll only once an hour: whatever runs within the test's time did so because it was
 * woken (the API's NOTIFY, or the worker's own trigger for near-due reschedules), not by a poll.
 */
class WakeUpTests {

  final List<ConfigurableApplicationContext> contexts = new ArrayList<>();
  final HttpClient http = HttpClient.newHttpClient();
  JdbcTemplate jdbc;
  String base;

  @AfterEach
  void stop() {
    contexts.forEach(ConfigurableApplicationContext::close);
  }

  @Test
  void aJobPostedForNowIsStartedByTheWakeUpLongBeforeTheNextPoll() throws Exception {
    start(true);
    post("{\"type\":\"noop\",\"id\":\"woken\"}");
    await().atMost(Duration.ofSeconds(30)).until(() -> "COMPLETED".equals(state("woken")));
  }

  @Test
  void theListenerReconnectsAfterItsConnectionIsKilled() throws Exception {
    start(true);
    String listeners =
        "select count(*) from pg_stat_activity where datname = current_database()"
            + " and query ilike 'LISTEN%'";
    await().atMost(Duration.ofSeconds(30)).until(() -> count(listeners) == 1);
    Integer killed =
        jdbc.queryForObject(
            "select count(pg_terminate_backend(pid)) from pg_stat_activity"
                + " where datname = current_database() and query ilike 'LISTEN%'",
            Integer.class);
    assertThat(killed).isEqualTo(1);
    await().atMost(Duration.ofSeconds(30)).until(() -> count(listeners) == 1);

    post("{\"type\":\"noop\",\"id\":\"woken-after-reconnect\"}");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> "COMPLETED".equals(state("woken-after-reconnect")));
  }

  private int count(String sql) {
    return jdbc.queryForObject(sql, Integer.class);
  }

  @Test
  void aRecurringJobsNextOccurrencesInsideThePollWindowAreNotLeftToThePoll() throws Exception {
    start(true);
    post("{\"type\":\"noop\",\"id\":\"every-second\",\"schedule\":{\"every\":\"PT1S\"}}");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                jdbc.queryForObject(
                        "select count(*) from kairos_job_run where job_id = 'every-second'"
                            + " and outcome = 'SUCCEEDED'",
                        Integer.class)
                    >= 3);
  }

  @Test
  void withoutWakeUpsTheSameJobWaitsForThePoll() throws Exception {
    start(false);
    post("{\"type\":\"noop\",\"id\":\"not-woken\"}");
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(() -> "ACTIVE".equals(state("not-woken")));
  }

  private void start(boolean wakeUps) {
    TestDatabases.TestDatabase db = TestDatabases.newDatabase();
    DataSource dataSource = db.dataSource(2);
    jdbc = new JdbcTemplate(dataSource);
    List<String> common = new ArrayList<>();
    common.add("--spring.datasource.url=" + db.jdbcUrl());
    common.add("--spring.datasource.username=" + db.user());
    common.add("--spring.datasource.password=" + (db.password() == null ? "" : db.password()));
    common.add("--server.port=0");
    List<String> worker = new ArrayList<>(common);
    worker.add("--db-scheduler.polling-interval=1h");
    worker.add("--kairos.worker.wake-ups=" + wakeUps);
    contexts.add(WorkerApplication.application().run(worker.toArray(String[]::new)));
    List<String> api = new ArrayList<>(common);
    api.add("--kairos.api.wake-up-horizon=" + (wakeUps ? "10s" : "0s"));
    ConfigurableApplicationContext apiContext =
        ApiApplication.application().run(api.toArray(String[]::new));
    contexts.add(apiContext);
    base = "http://localhost:" + apiContext.getEnvironment().getProperty("local.server.port");
    // The worker polls once as it starts; wait for that so no later job is found by it.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                jdbc.queryForObject(
                        "select count(*) from kairos_node where state = 'RUNNING'", Integer.class)
                    == 1);
  }

  private void post(String body) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/api/v1/jobs"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(201);
  }

  private String state(String id) {
    return jdbc.queryForObject("select state from kairos_job where id = ?", String.class, id);
  }
}
