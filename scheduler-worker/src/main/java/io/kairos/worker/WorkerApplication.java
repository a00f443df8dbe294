package io.kairos.worker;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** A Kairos worker replica: claims due executions from the shared table and runs them. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class WorkerApplication {

  /**
   * Its defaults live in {@code kairos-worker.yml}, not {@code application.yml}, so that worker and
   * API can share one classpath (standalone mode). An operator's {@code application.yml} (working
   * directory or {@code config/}) is still read, after them, and wins.
   */
  public static final String CONFIG_NAME = "spring.config.name=kairos-worker,application";

  public static void main(String[] args) {
    application().run(args);
  }

  public static SpringApplicationBuilder application() {
    return new SpringApplicationBuilder(WorkerApplication.class).properties(CONFIG_NAME);
  }
}
