package io.kairos.worker;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * The stock Kairos worker replica: Kairos's Spring Boot starter serving the built-in job types,
 * with an actuator HTTP server. It has no code of its own; everything it does, an application that
 * adds the starter does too.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
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
