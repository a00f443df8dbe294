package ${package};

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot application that is also a Kairos worker: it runs its own job type ({@code
 * order-confirmation}) on the Kairos cluster's database, and schedules jobs of it in the
 * transactions that place orders.
 */
@SpringBootApplication
public class Application {

  public static void main(String[] args) {
    SpringApplication.run(Application.class, args);
  }
}
