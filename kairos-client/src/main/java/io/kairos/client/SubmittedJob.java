package io.kairos.client;

/**
 * What a creation or a replacement answered: the job, and whether this request created it ({@code
 * 201}) or found it ({@code 200}: the same request replayed, or an existing job replaced).
 */
public record SubmittedJob(Job job, boolean created) {}
