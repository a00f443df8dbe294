package io.kairos.client;

/**
 * A job with the version of its definition, the API's {@code ETag}: it names the payload, schedule,
 * priority, attempts, timeout, misfire grace and revision, not the runs. Give it to {@link
 * ChangeJobRequest#withExpectedVersion} so a change applies only to the definition read.
 */
public record VersionedJob(Job job, String version) {}
