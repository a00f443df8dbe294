package io.kairos.worker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.core.io.support.ResourcePropertySource;

/**
 * Adds {@code kairos-worker-defaults.properties} as the last property source, so every worker — the
 * stock one and any application with the starter — has Kairos's db-scheduler settings unless it
 * sets its own.
 *
 * <p>Kairos migrates its own tables (with a history table of its own), so Spring Boot's Flyway
 * support, which the starter's Flyway dependency would switch on, is switched off by default in an
 * application that has no migrations of its own: against a database that already holds Kairos's
 * tables it would refuse to start ("non-empty schema without schema history table").
 */
public final class WorkerDefaults implements EnvironmentPostProcessor, Ordered {

  static final String SOURCE_NAME = "kairosWorkerDefaults";
  private static final String FLYWAY_ENABLED = "spring.flyway.enabled";

  @Override
  public void postProcessEnvironment(
      ConfigurableEnvironment environment, SpringApplication application) {
    try {
      environment
          .getPropertySources()
          .addLast(
              new ResourcePropertySource(
                  SOURCE_NAME, new ClassPathResource("kairos-worker-defaults.properties")));
      if (!environment.containsProperty(FLYWAY_ENABLED)
          && !hasOwnMigrations(environment, application.getClassLoader())) {
        environment
            .getPropertySources()
            .addLast(new MapPropertySource("kairosFlywayDefault", Map.of(FLYWAY_ENABLED, "false")));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean hasOwnMigrations(ConfigurableEnvironment environment, ClassLoader loader)
      throws IOException {
    String[] locations =
        environment.getProperty("spring.flyway.locations", String[].class, new String[0]);
    if (locations.length == 0) {
      locations = new String[] {"classpath:db/migration"};
    }
    PathMatchingResourcePatternResolver resolver = new PathMatchingResourcePatternResolver(loader);
    for (String location : locations) {
      if (!location.startsWith("classpath:")) {
        return true; // a file system location: the application's own, whatever it holds
      }
      String path = location.substring("classpath:".length()).replaceAll("^/+|/+$", "");
      if (resolver.getResources("classpath*:" + path + "/**/*.sql").length > 0) {
        return true;
      }
    }
    return false;
  }

  @Override
  public int getOrder() {
    // After the application's own configuration files are read (ConfigDataEnvironment...).
    return Ordered.LOWEST_PRECEDENCE;
  }
}
