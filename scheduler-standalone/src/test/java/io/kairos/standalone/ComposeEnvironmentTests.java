package io.kairos.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The Compose demo's configuration, read as docker compose reads it: every environment variable it
 * sets on the API and the workers must bind to a property that application really has (Spring Boot
 * ignores any other, so a misspelt one would silently do nothing), every service has a healthcheck
 * and restarts, and {@code .env.example} gives exactly the variables the file interpolates.
 */
class ComposeEnvironmentTests {

  static final Path ROOT = Path.of("..");
  static PropertyCatalogue worker;
  static PropertyCatalogue api;
  static Map<String, Object> compose;

  @BeforeAll
  static void read() throws IOException {
    worker =
        PropertyCatalogue.of(
            "kairos-worker.yml",
            "io.kairos.worker",
            "io.kairos.spring",
            "com.github.kagkarlsson.scheduler.boot");
    // Both applications bind the shared kairos.webhook/oauth/email/encryption records.
    api = PropertyCatalogue.of("kairos-api.yml", "io.kairos.api", "io.kairos.spring");
    compose = yaml(ROOT.resolve("docker-compose.yml"));
  }

  @Test
  void everyVariableSetOnTheApiAndTheWorkersBindsToOneOfTheirProperties() throws IOException {
    Map<String, String> workerVariables = environment(compose, "worker");
    Map<String, String> apiVariables = environment(compose, "api");
    // Not vacuous: the demo's settings are there, merged in from the shared blocks.
    assertThat(workerVariables)
        .containsKeys(
            "KAIROS_DB_URL",
            "KAIROS_EMAIL_HOST",
            "KAIROS_WEBHOOK_SIGNING_SECRET",
            "KAIROS_ENCRYPTION_KEY",
            "KAIROS_OAUTH_ALLOWEDHOSTS");
    assertThat(apiVariables).containsKeys("KAIROS_API_KEY", "KAIROS_ENCRYPTION_KEY");

    assertThat(problems(workerVariables, worker)).as("worker variables").isEmpty();
    assertThat(problems(apiVariables, api)).as("API variables").isEmpty();
  }

  @Test
  void aMisspeltVariableInTheComposeFileIsCaught() throws IOException {
    Map<String, Object> misspelt = yaml(ROOT.resolve("docker-compose.yml"));
    Map<String, Object> environment = new LinkedHashMap<>(environment(misspelt, "worker"));
    environment.put("KAIROS_EMAIL_HOTS", "mailpit");
    environment.put("KAIROS_OAUTH_ALLOWPRIVATENETWORK", "true");
    environment.put("KAIROS_EMAIL_PORT", "SMTP");
    service(misspelt, "worker").put("environment", environment);

    assertThat(problems(environment(misspelt, "worker"), worker))
        .containsOnlyKeys(
            "KAIROS_EMAIL_HOTS", "KAIROS_OAUTH_ALLOWPRIVATENETWORK", "KAIROS_EMAIL_PORT")
        .containsEntry("KAIROS_EMAIL_HOTS", "binds to nothing");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "KAIROS_EMAIL_HOTS=mailpit", // a typo
        "KAIROS_WEBHOOK_SIGNING_SECERT=whsec_x", // a typo of a placeholder's name
        "KAIROS_OAUTH_ALLOWPRIVATENETWORK=true",
        "KAIROS_OAUTH_ALLOWED__HOSTS=oauth",
        "KAIROS_JOBS_0_IDENTIFIER=purge", // no such field in a list element
        "KAIROS_JOBS_2_ID=purge", // a list starts at 0: Spring Boot refuses to start
        "KAIROS_JOBS_0_SCHEDULE_CRONN=@daily",
        "KAIROS_WORKER_NODENAMES=w1",
        "KAIROS_API_OPERATORKEY=secret", // the API's, on a worker
        "SERVER_PROT=8081",
        "SPRING_DATASOURCE_URI=jdbc:postgresql://db/kairos",
        "DB_SCHEDULER_THREAD=4"
      })
  void variablesThatBindToNothingAreFound(String assignment) {
    String[] parts = assignment.split("=", 2);
    assertThat(worker.bindingOf(parts[0], parts[1])).as(parts[0]).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "KAIROS_EMAIL_HOST=mailpit -> kairos.email", // through ${KAIROS_EMAIL_HOST:}
        "KAIROS_EMAIL_MESSAGEIDDOMAIN=kairos.example -> kairos.email",
        "KAIROS_WEBHOOK_ALLOWEDNETWORKS=10.0.0.0/8 -> kairos.webhook",
        "KAIROS_OAUTH_ALLOWED_HOSTS=oauth -> kairos.oauth", // the legacy form of a dashed name
        "KAIROS_JOBS_0_ID=purge -> kairos",
        "KAIROS_JOBS_0_SCHEDULE_CRON=@daily -> kairos",
        "KAIROS_JOBS_0_PAYLOAD_BATCHSIZE=500 -> kairos",
        "KAIROS_WORKER_TYPETIMEOUTS_LOG=5s -> kairos.worker",
        "KAIROS_WORKER_RETRY_INPROCESS_MAXATTEMPTS=5 -> kairos.worker.retry",
        "KAIROS_HOUSEKEEPING_HISTORYRETENTION=7d -> kairos.housekeeping",
        "DB_SCHEDULER_THREADS=4 -> db-scheduler",
        "SERVER_PORT=9000 -> server.port",
        "MANAGEMENT_SERVER_PORT=9001 -> management.server.port",
        "SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE=3 -> spring.datasource.hikari.maximum-pool-size",
        "LOGGING_LEVEL_IO_KAIROS=DEBUG -> logging.level",
        "KAIROS_DB_URL=jdbc:postgresql://db/kairos -> ${KAIROS_DB_URL}" // spring.datasource.url
      })
  void variablesBindAsSpringBootBindsThem(String expectation) {
    String[] parts = expectation.split("=| -> ", 3);
    assertThat(worker.bindingOf(parts[0], parts[1])).as(parts[0]).hasValue(parts[2]);
  }

  @Test
  void aValueTheApplicationRefusesIsFoundToo() {
    assertThat(worker.bindingOf("KAIROS_WORKER_RETRY_INPROCESS_MAXATTEMPTS", "many"))
        .hasValueSatisfying(b -> assertThat(b).startsWith("kairos.worker.retry (refused"));
    assertThat(worker.bindingOf("KAIROS_OAUTH_ALLOWEDNETWORKS", "not-a-cidr"))
        .hasValueSatisfying(b -> assertThat(b).startsWith("kairos.oauth (refused"));
    assertThat(worker.bindingOf("KAIROS_EMAIL_PORT", "SMTP")) // through ${KAIROS_EMAIL_PORT:587}
        .hasValueSatisfying(b -> assertThat(b).startsWith("kairos.email (refused"));
  }

  @Test
  void theApisOwnPropertiesBindOnTheApiOnly() {
    assertThat(api.bindingOf("KAIROS_API_OPERATORKEY", "k")).hasValue("kairos.api");
    assertThat(api.bindingOf("KAIROS_API_WAKEUPHORIZON", "5s"))
        .hasValue("kairos.api.wake-up-horizon");
    assertThat(api.bindingOf("KAIROS_API_KEY", "k")).hasValue("kairos.api"); // ${KAIROS_API_KEY:}
    assertThat(
            api.bindingOf("KAIROS_ENCRYPTION_KEY", "PcZvyTFGc4Ze5j+oKVU8iL5yg14r6URx2AggXrHFmZo="))
        .hasValue("kairos.encryption");
    // Every application that creates jobs wakes the workers after its commit (KairosJobs,
    // follow-ups), so the worker reads the wake-up horizon too.
    assertThat(worker.bindingOf("KAIROS_API_WAKEUPHORIZON", "5s"))
        .hasValue("kairos.api.wake-up-horizon");
    assertThat(api.bindingOf("KAIROS_WORKER_LEASEMARGIN", "2s")).isEmpty();
    assertThat(api.bindingOf("KAIROS_API_KEYS_0_SHA", "00")).isEmpty();
  }

  @Test
  void everyServiceHasAHealthcheckAndRestartsUnlessStopped() {
    Map<String, Object> services = map(compose.get("services"));
    assertThat(services.keySet())
        .contains("postgres", "mailpit", "oauth", "worker", "api", "prometheus");
    services.forEach(
        (name, definition) -> {
          Map<String, Object> service = map(definition);
          assertThat(service).as(name).containsKey("healthcheck");
          assertThat(map(service.get("healthcheck"))).as(name).containsKey("test");
          assertThat(service.get("restart")).as(name).isEqualTo("unless-stopped");
        });
  }

  @Test
  void envExampleGivesExactlyTheVariablesTheComposeFileInterpolates() throws IOException {
    Set<String> interpolated = new LinkedHashSet<>();
    Matcher matcher =
        Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)")
            .matcher(Files.readString(ROOT.resolve("docker-compose.yml")));
    while (matcher.find()) {
      interpolated.add(matcher.group(1));
    }
    assertThat(envExample().keySet()).containsExactlyInAnyOrderElementsOf(interpolated);
    assertThat(envExample().values()).allSatisfy(v -> assertThat(v).isNotBlank());
    assertThat(Files.readAllLines(ROOT.resolve(".gitignore"))).contains(".env");
  }

  /**
   * Each variable that binds to nothing, or whose value (as docker compose interpolates it with
   * {@code .env.example}'s values) the application refuses, with what is wrong.
   */
  private static Map<String, String> problems(
      Map<String, String> variables, PropertyCatalogue catalogue) throws IOException {
    Map<String, String> env = envExample();
    Map<String, String> problems = new TreeMap<>();
    variables.forEach(
        (name, value) -> {
          var binding = catalogue.bindingOf(name, interpolate(value, env));
          if (binding.isEmpty()) {
            problems.put(name, "binds to nothing");
          } else if (binding.get().contains("(refused")) {
            problems.put(name, binding.get());
          }
        });
    return problems;
  }

  /** {@code ${NAME}}, {@code ${NAME:-default}}, {@code ${NAME:?message}} as docker compose does. */
  static String interpolate(String value, Map<String, String> env) {
    Matcher matcher =
        Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-?]([^}]*))?}").matcher(value);
    StringBuilder result = new StringBuilder();
    while (matcher.find()) {
      String given = env.get(matcher.group(1));
      String replacement =
          given != null && !given.isEmpty()
              ? given
              : matcher.group(0).contains(":-") ? matcher.group(2) : "";
      matcher.appendReplacement(result, Matcher.quoteReplacement(replacement));
    }
    matcher.appendTail(result);
    return result.toString().replace("$$", "$");
  }

  private static Map<String, String> envExample() throws IOException {
    Map<String, String> values = new LinkedHashMap<>();
    for (String line : Files.readAllLines(ROOT.resolve(".env.example"))) {
      if (!line.isBlank() && !line.startsWith("#")) {
        values.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
      }
    }
    return values;
  }

  /** A service's environment, as a map whether written as a map or as a list of NAME=value. */
  private static Map<String, String> environment(Map<String, Object> compose, String service) {
    Object environment = service(compose, service).get("environment");
    Map<String, String> variables = new TreeMap<>();
    if (environment instanceof Map<?, ?> entries) {
      entries.forEach((k, v) -> variables.put(String.valueOf(k), String.valueOf(v)));
    } else if (environment instanceof List<?> lines) {
      for (Object line : lines) {
        String[] parts = String.valueOf(line).split("=", 2);
        variables.put(parts[0], parts.length > 1 ? parts[1] : "");
      }
    }
    return variables;
  }

  private static Map<String, Object> service(Map<String, Object> compose, String name) {
    return map(map(compose.get("services")).get(name));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    assertThat(value).isInstanceOf(Map.class);
    return (Map<String, Object>) value;
  }

  /** YAML as docker compose reads it, merge keys ({@code <<: *anchor}) included. */
  private static Map<String, Object> yaml(Path file) throws IOException {
    try (Reader reader = Files.newBufferedReader(file)) {
      return new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
    }
  }
}
