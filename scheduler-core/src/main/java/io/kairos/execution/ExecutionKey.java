package io.kairos.execution;

/** An execution in {@code scheduled_tasks}, by its primary key. */
record ExecutionKey(String taskName, String taskInstance) {}
