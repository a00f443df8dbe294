package io.kairos.standalone;

import io.kairos.api.ApiApplication;
import io.kairos.migration.KairosMigrations;
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

/**
 * Kairos in one process, for trying it out: an embedded PostgreSQL (data kept in {@code
 * ./kairos-data}), one worker and the API on port 8080. Not for production: there, run worker and
 * API jars against a real PostgreSQL (README, "Running a cluster").
 *
 * <p>The API needs a key: {@code KAIROS_API_KEY} if set, else one generated on first start and kept
 * in {@code <data-dir>/api-key}.
 *
 * <p>Arguments are passed to both applications, e.g. {@code --server.port} is ignored but {@code
 * --db-scheduler.threads=4} applies to the worker. Stopping (Ctrl-C, SIGTERM) closes the API, then
 * drains the worker, then stops PostgreSQL.
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
    Path dataDirectory = Path.of(System.getProperty("kairos.data-dir", "kairos-data"));
    int apiPort = Integer.getInteger("kairos.api-port", 8080);
    int workerPort = Integer.getInteger("kairos.worker-port", 8081);
    StandaloneKairos kairos = start(dataDirectory, apiPort, workerPort, args);
    Runtime.getRuntime().addShutdownHook(new Thread(kairos::close, "kairos-standalone-stop"));
  }

  /** Starts everything; ports 0 pick free ones. */
  public static StandaloneKairos start(
      Path dataDirectory, int apiPort, int workerPort, String... args) throws Exception {
    Files.createDirectories(dataDirectory);
    EmbeddedPostgres postgres =
        EmbeddedPostgres.builder()
            .setDataDirectory(dataDirectory)
            .setCleanDataDirectory(false)
            // Stopped by close(), after the worker drained: zonky's own hook would stop it at the
            // same time as ours, and the draining worker would lose its database.
            .setRegisterShutdownHook(false)
            .start();
    String url = postgres.getJdbcUrl("postgres", "postgres");
    KairosMigrations.migrate(postgres.getPostgresDatabase());
    LOG.info("Embedded PostgreSQL at {} (data in {})", url, dataDirectory.toAbsolutePath());
    // As command-line arguments, so they win over the applications' own defaults.
    ConfigurableApplicationContext worker =
        WorkerApplication.application()
            .registerShutdownHook(false)
            .run(
                arguments(
                    url,
                    args,
                    "--server.port=" + workerPort,
                    "--kairos.worker.node-name=standalone"));
    List<String> apiArgs = new ArrayList<>(List.of("--server.port=" + apiPort));
    apiKeyUnlessInEnvironment(dataDirectory)
        .ifPresent(key -> apiArgs.add("--kairos.api.operator-key=" + key));
    ConfigurableApplicationContext api =
        ApiApplication.application()
            .registerShutdownHook(false)
            .run(arguments(url, args, apiArgs.toArray(String[]::new)));
    LOG.info(
        "Kairos standalone is up: dashboard on http://localhost:{}/ui/ (sign in with the API key),"
            + " API on http://localhost:{}/api/v1, worker health on"
            + " http://localhost:{}/actuator/health",
        api.getEnvironment().getProperty("local.server.port"),
        api.getEnvironment().getProperty("local.server.port"),
        worker.getEnvironment().getProperty("local.server.port"));
    return new StandaloneKairos(postgres, worker, api);
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

  @Override
  public void close() {
    api.close();
    worker.close();
    try {
      postgres.close();
    } catch (Exception e) {
      LOG.warn("Embedded PostgreSQL did not stop cleanly", e);
    }
  }
}
