package io.kairos.client;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What became of one item of {@link KairosClient#createAll}: at {@code index} of the request,
 * {@code job} when it was created or replayed, {@code problem} when it was invalid or a conflict.
 */
public record BatchItem(int index, String id, Status status, Job job, Problem problem) {

  /** An outcome this client does not know yet reads as null. */
  public enum Status {
    @JsonProperty("created")
    CREATED,
    @JsonProperty("replayed")
    REPLAYED,
    @JsonProperty("invalid")
    INVALID,
    @JsonProperty("conflict")
    CONFLICT
  }

  /**
   * Why an item was not created, as single create would have answered it; {@code field} is a path
   * into the batch ({@code jobs[3].payload.url}).
   */
  public record Problem(int status, String title, String detail, String field) {}
}
