package io.kairos.examples.invoice;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * An invoicing service that is also a Kairos worker: it runs its own job types (invoice reminders,
 * a declared clean-up) on the cluster's task table, and schedules reminders in the transactions
 * that create invoices.
 */
@SpringBootApplication
public class InvoiceApplication {

  public static void main(String[] args) {
    SpringApplication.run(InvoiceApplication.class, args);
  }
}
