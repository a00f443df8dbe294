package io.kairos.job;

/**
 * A check of a bound payload that needs the deployment's configuration, which a payload record's
 * constructor cannot see (e.g. the webhook target allow-list). It throws {@link
 * InvalidJobException} naming the payload field.
 */
@FunctionalInterface
public interface PayloadCheck<P> {
  void check(P payload);
}
