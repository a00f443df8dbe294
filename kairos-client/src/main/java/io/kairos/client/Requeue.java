package io.kairos.client;

import java.time.Instant;

/** A requeued dead job: active again from attempt 1, due at {@code nextRunAt}. */
public record Requeue(String id, String state, Instant nextRunAt) {}
