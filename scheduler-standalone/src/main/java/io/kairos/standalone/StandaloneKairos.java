package io.kairos.standalone;

import io.kairos.api.ApiApplication;
import io.kairos.migration.KairosMigrations;
import io.kairos.schema.KairosSchema;
import io.kairos.worker.WorkerApplication;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * Kairos in one process, for trying it out: an embedded PostgreSQL (data kept in {@code
 * ./kairos-data}), one worker (actuator on port 8081) and the API on port 8080. Not for production:
 * there, run worker and API jars against a real PostgreSQL (README, "Running a cluster").
 *
 * <p>The API needs a key: {@code KAIROS_API_KEY} if set, else one generated on first start and kept
 * in {@code <data-dir>/api-key}.
 *
 * <p>Arguments mean what they mean to one Spring Boot application, with Kairos's one user-facing
 * server being the API: {@code --server.port} is the API's port (and {@code
 * --management.server.port} its actuator's), {@code --kairos.worker-port} the worker's (actuator
 * only), {@code --kairos.data-dir} where the embedded PostgreSQL keeps its data, and {@code
 * --spring.datasource.url} (with {@code .username}, {@code .password}) an external PostgreSQL
 * instead of the embedded one. Everything else goes to both applications, each using what concerns
 * it ({@code --db-scheduler.threads=4} the worker, {@code --kairos.api.*} the API, {@code
 * --kairos.webhook.*} both). The same settings may come as JVM system properties or environment
 * variables ({@code SERVER_PORT}, {@code KAIROS_WORKER_PORT}), as Spring Boot reads them. Stopping
 * (Ctrl-C, SIGTERM) closes the API, then drains the worker, then stops PostgreSQL.
 */
public final class StandaloneKairos implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StandaloneKairos.class);
  static final String API_KEY_VARIABLE = "KAIROS_API_KEY";
  static final String API_KEY_FILE = "api-key";

  private final EmbeddedPostgres postgres;
  private final ConfigurableApplicationContext worker;
  private final ConfigurableApplicationContext api;

  private StandaloneKairos(
      EmbeddedPostgres postgres,
      ConfigurableApplicationContext worker,
      ConfigurableApplicationContext api) {
    this.postgres = postgres;
    this.worker = worker;
    this.api = api;
  }

  public static void main(String[] args) throws Exception {
    Settings settings;
    try {
      settings = Settings.of(args);
    } catch (IllegalArgumentException e) {
      // A clash of ports or a bad flag: say which, without a stack trace.
      LOG.error("Kairos standalone cannot start: {}", e.getMessage());
      System.exit(2);
      return;
    }
    StandaloneKairos kairos = start(settings, args);
    Runtime.getRuntime().addShutdownHook(new Thread(kairos::close, "kairos-standalone-stop"));
  }

  /**
   * Starts everything as {@code java -jar kairos-standalone.jar args…} does: the flags described
   * above, resolved from the arguments, then JVM system properties, then the environment.
   *
   * @throws IllegalArgumentException naming the flag to change, when two servers would share a port
   *     or a port is not a number
   */
  public static StandaloneKairos start(String... args) throws Exception {
    return start(Settings.of(args), args);
  }

  /** What the standalone process itself decides from the flags, before any context starts. */
  record Settings(
      Path dataDirectory,
      int apiPort,
      int workerPort,
      Integer apiManagementPort,
      String externalDatabaseUrl,
      boolean operatorKeyGiven,
      KairosSchema schema) {

    static final int DEFAULT_API_PORT = 8080;
    static final int DEFAULT_WORKER_PORT = 8081;

    static Settings of(String... args) {
      StandardEnvironment environment = new StandardEnvironment();
      environment.getPropertySources().addFirst(new SimpleCommandLinePropertySource(args));
      Path dataDirectory = Path.of(environment.getProperty("kairos.data-dir", "kairos-data"));
      // server.port is the API's, as the API is the server a user of this jar talks to;
      // kairos.api-port is the older spelling of the same.
      Integer apiPort = port(environment, "server.port");
      if (apiPort == null) {
        apiPort = port(environment, "kairos.api-port");
      }
      Integer workerPort = port(environment, "kairos.worker-port");
      Integer managementPort = port(environment, "management.server.port");
      Settings settings =
          new Settings(
              dataDirectory,
              apiPort == null ? DEFAULT_API_PORT : apiPort,
              workerPort == null ? DEFAULT_WORKER_PORT : workerPort,
              managementPort,
              blankToNull(environment.getProperty("spring.datasource.url")),
              blankToNull(environment.getProperty("kairos.api.operator-key")) != null,
              schema(environment.getProperty("kairos.schema", KairosSchema.DEFAULT_NAME)));
      settings.refuseClashes();
      return settings;
    }

    private void refuseClashes() {
      if (apiPort != 0 && apiPort == workerPort) {
        throw new IllegalArgumentException(
            "the API (--server.port) and the worker (--kairos.worker-port, default "
                + DEFAULT_WORKER_PORT
                + ") would both listen on port "
                + apiPort
                + ": give the worker another one, e.g. --kairos.worker-port="
                + (apiPort + 1));
      }
      if (apiManagementPort != null && apiManagementPort != 0 && apiManagementPort == workerPort) {
        throw new IllegalArgumentException(
            "the API's actuator (--management.server.port) and the worker (--kairos.worker-port,"
                + " default "
                + DEFAULT_WORKER_PORT
                + ") would both listen on port "
                + workerPort
                + ": give the worker another one with --kairos.worker-port=…");
      }
    }

    private static Integer port(StandardEnvironment environment, String name) {
      String value = blankToNull(environment.getProperty(name));
      if (value == null) {
        return null;
      }
      try {
        int port = Integer.parseInt(value.strip());
        if (port < 0 || port > 65535) {
          throw new NumberFormatException();
        }
        return port;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "--" + name + " must be a port number (0 to 65535), not '" + value + "'");
      }
    }

    /** {@code kairos.schema}: where the embedded database's tables are migrated before start. */
    private static KairosSchema schema(String name) {
      try {
        return KairosSchema.of(name.trim());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--kairos.schema " + e.getMessage(), e);
      }
    }

    private static String blankToNull(String value) {
      return value == null || value.isBlank() ? null : value;
    }
  }

  /** Starts everything with explicit ports (0 picks a free one) on the embedded PostgreSQL. */
  public static StandaloneKairos start(
      Path dataDirectory, int apiPort, int workerPort, String... args) throws Exception {
    Settings given = Settings.of(args);
    return start(
        new Settings(
            dataDirectory,
            apiPort,
            workerPort,
            null,
            null,
            given.operatorKeyGiven(),
            given.schema()),
        args);
  }

  private static StandaloneKairos start(Settings settings, String[] args) throws Exception {
    Path dataDirectory = settings.dataDirectory();
    Files.createDirectories(dataDirectory);
    EmbeddedPostgres postgres = null;
    List<String> database = new ArrayList<>();
    if (settings.externalDatabaseUrl() == null) {
      postgres =
          EmbeddedPostgres.builder()
              .setDataDirectory(dataDirectory)
              .setCleanDataDirectory(false)
              // Stopped by close(), after the worker drained: zonky's own hook would stop it at
              // the same time as ours, and the draining worker would lose its database.
              .setRegisterShutdownHook(false)
              .start();
      String url = postgres.getJdbcUrl("postgres", "postgres");
      KairosMigrations.migrate(postgres.getPostgresDatabase(), settings.schema());
      LOG.info("Embedded PostgreSQL at {} (data in {})", url, dataDirectory.toAbsolutePath());
      database.add("--spring.datasource.url=" + url);
      database.add("--spring.datasource.username=postgres");
      database.add("--spring.datasource.password=");
    } else {
      // The applications read spring.datasource.* themselves, from wherever it was given, and
      // each applies the schema (Flyway) on start.
      LOG.info("External PostgreSQL at {}; no embedded database", settings.externalDatabaseUrl());
    }
    try {
      // As command-line arguments, so they win over the applications' own defaults.
      List<String> workerArgs = new ArrayList<>(database);
      workerArgs.add("--server.port=" + settings.workerPort());
      workerArgs.add("--kairos.worker.node-name=standalone");
      ConfigurableApplicationContext worker =
          WorkerApplication.application()
              .registerShutdownHook(false)
              .run(merge(workerArgs, forWorker(args)));
      List<String> apiArgs = new ArrayList<>(database);
      apiArgs.add("--server.port=" + settings.apiPort());
      if (!settings.operatorKeyGiven()) {
        apiKeyUnlessInEnvironment(dataDirectory)
            .ifPresent(key -> apiArgs.add("--kairos.api.operator-key=" + key));
      }
      ConfigurableApplicationContext api;
      try {
        api =
            ApiApplication.application()
                .registerShutdownHook(false)
                .run(merge(apiArgs, forApi(args)));
      } catch (RuntimeException e) {
        worker.close();
        throw e;
      }
      LOG.info(
          "Kairos standalone is up: dashboard on http://localhost:{}/ui/ (sign in with the API"
              + " key), API on http://localhost:{}/api/v1, worker health on"
              + " http://localhost:{}/actuator/health",
          api.getEnvironment().getProperty("local.server.port"),
          api.getEnvironment().getProperty("local.server.port"),
          worker.getEnvironment().getProperty("local.server.port"));
      return new StandaloneKairos(postgres, worker, api);
    } catch (RuntimeException e) {
      if (postgres != null) {
        try {
          postgres.close();
        } catch (IOException closing) {
          e.addSuppressed(closing);
        }
      }
      throw e;
    }
  }

  /** The standalone's own flags, decided here and given to each application explicitly. */
  private static final List<String> OWN_FLAGS =
      List.of("server.port", "kairos.api-port", "kairos.worker-port", "kairos.data-dir");

  /** The user's arguments for the worker: not the API's port or its actuator's. */
  static List<String> forWorker(String[] args) {
    return pass(args, "management.server.port");
  }

  /** The user's arguments for the API: its port is given explicitly. */
  static List<String> forApi(String[] args) {
    return pass(args);
  }

  /**
   * Kairos's own arguments, then the user's; one of ours that the user also gives is left out, as
   * Spring Boot joins repeated options with commas ({@code --server.port=8081,9090}).
   */
  static String[] merge(List<String> own, List<String> user) {
    List<String> given = user.stream().map(StandaloneKairos::optionName).toList();
    List<String> merged = new ArrayList<>();
    for (String arg : own) {
      if (!given.contains(optionName(arg))) {
        merged.add(arg);
      }
    }
    merged.addAll(user);
    return merged.toArray(String[]::new);
  }

  private static List<String> pass(String[] args, String... alsoLeftOut) {
    List<String> leftOut = new ArrayList<>(OWN_FLAGS);
    leftOut.addAll(List.of(alsoLeftOut));
    List<String> passed = new ArrayList<>();
    for (String arg : args) {
      String name = optionName(arg);
      if (name == null || !leftOut.contains(name)) {
        passed.add(arg);
      }
    }
    return passed;
  }

  /** {@code server.port} of {@code --server.port=8080}, as Spring Boot parses options. */
  private static String optionName(String arg) {
    if (!arg.startsWith("--")) {
      return null;
    }
    int equals = arg.indexOf('=');
    return (equals < 0 ? arg.substring(2) : arg.substring(2, equals)).strip();
  }

  /**
   * The operator's API key when {@code KAIROS_API_KEY} is not set: the one kept in the data
   * directory, or a new random one, saved there (readable by its owner only) and printed once, so a
   * fresh machine can try Kairos without configuring anything.
   */
  static Optional<String> apiKeyUnlessInEnvironment(Path dataDirectory) throws IOException {
    return apiKeyUnlessGiven(dataDirectory, System.getenv(API_KEY_VARIABLE));
  }

  /** As {@link #apiKeyUnlessInEnvironment}, with the variable's value given. */
  static Optional<String> apiKeyUnlessGiven(Path dataDirectory, String fromEnvironment)
      throws IOException {
    if (fromEnvironment != null && !fromEnvironment.isBlank()) {
      LOG.info("API key: the one in {}", API_KEY_VARIABLE);
      return Optional.empty();
    }
    Path file = dataDirectory.resolve(API_KEY_FILE);
    if (Files.exists(file)) {
      LOG.info(
          "API key: the one in {} (set {} to use another)",
          file.toAbsolutePath(),
          API_KEY_VARIABLE);
      return Optional.of(Files.readString(file, StandardCharsets.UTF_8).strip());
    }
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    String key = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    Files.writeString(file, key + "\n", StandardCharsets.UTF_8);
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException notPosix) {
      // Windows: the file keeps the data directory's permissions
    }
    // Printed this once, on purpose: it is the only way to learn a generated key besides the file.
    LOG.info(
        "Generated an API key with every scope: {} (saved in {}; send it as 'Authorization:"
            + " Bearer <key>')",
        key,
        file.toAbsolutePath());
    return Optional.of(key);
  }

  public int apiPort() {
    return Integer.parseInt(api.getEnvironment().getProperty("local.server.port"));
  }

  private static String[] arguments(String url, String[] userArgs, String... own) {
    List<String> arguments = new ArrayList<>();
    arguments.add("--spring.datasource.url=" + url);
    arguments.add("--spring.datasource.username=postgres");
    arguments.add("--spring.datasource.password=");
    arguments.addAll(List.of(own));
    arguments.addAll(List.of(userArgs));
    return arguments.toArray(String[]::new);
  }

  public int workerPort() {
    return Integer.parseInt(worker.getEnvironment().getProperty("local.server.port"));
  }

  @Override
  public void close() {
    api.close();
    worker.close();
    if (postgres == null) {
      return;
    }
    try {
      postgres.close();
    } catch (Exception e) {
      LOG.warn("Embedded PostgreSQL did not stop cleanly", e);
    }
  }
}
