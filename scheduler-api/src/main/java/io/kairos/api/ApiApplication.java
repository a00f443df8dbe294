package io.kairos.api;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** The Kairos REST API: schedules and inspects jobs. It never polls or executes them. */
@SpringBootApplication
public class ApiApplication {

  /**
   * Its defaults live in {@code kairos-api.yml}, not {@code application.yml}, so that worker and
   * API can share one classpath (standalone mode). An operator's {@code application.yml} (working
   * directory or {@code config/}) is still read, after them, and wins.
   */
  public static final String CONFIG_NAME = "spring.config.name=kairos-api,application";

  public static void main(String[] args) {
    application().run(args);
  }

  public static SpringApplicationBuilder application() {
    return new SpringApplicationBuilder(ApiApplication.class).properties(CONFIG_NAME);
  }
}
