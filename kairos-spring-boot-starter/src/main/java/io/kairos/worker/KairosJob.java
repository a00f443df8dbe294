package io.kairos.worker;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares an application's own job type, served by this application's worker.
 *
 * <p>On a bean class implementing {@code JobHandler<P>}: the type's payload is {@code P}. On a
 * method of any bean, taking the payload and, optionally, the {@code JobContext}: {@code void
 * remind(InvoiceReminder payload, JobContext context)}. The payload is a record Jackson binds from
 * the job's JSON; its JSON Schema is published with the type, and the API checks new jobs' payloads
 * against it.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface KairosJob {

  /**
   * The type's name: kebab-case, stable (it is stored with every job and execution of the type).
   */
  String value();

  /** What the type does, shown by {@code GET /api/v1/job-types} and the dashboard. */
  String description() default "";

  /**
   * Paths of secret payload values ({@code "apiKey"}, {@code "headers.*"}): sealed at rest, shown
   * as {@code ***}, opened only for the handler.
   */
  String[] secretFields() default {};
}
