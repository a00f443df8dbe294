package io.kairos.client;

/**
 * Who a job belongs to: {@code API} jobs may be changed by any key with {@code jobs:write}; jobs
 * declared in the workers' configuration ({@code CONFIG}) and those Kairos keeps ({@code SYSTEM})
 * only with an {@code admin} key.
 */
public enum JobSource {
  API,
  CONFIG,
  SYSTEM
}
