package io.kairos.api.job;

import com.fasterxml.jackson.annotation.JsonValue;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.Locale;
import org.springframework.http.ProblemDetail;

/** What became of one item of a batch creation, at its index in the request. */
@Schema(name = "BatchItem")
public record BatchItemResponse(
    @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "its index in the request")
        int index,
    @Schema(description = "the job's id: given or generated; null for an invalid item without one")
        String id,
    @Schema(requiredMode = Schema.RequiredMode.REQUIRED) Status status,
    @Schema(description = "the job as stored, when created or replayed") JobResponse job,
    @Schema(
            ref = "#/components/schemas/Problem",
            description =
                "why it was not created, when invalid or a conflict; its field is a path into the"
                    + " batch, e.g. jobs[3].payload.url")
        ProblemDetail problem) {

  @Schema(
      name = "BatchItemStatus",
      description =
          "created: new; replayed: the same id and request as an existing job, which is returned;"
              + " invalid: refused by the checks of POST /api/v1/jobs (400, or 403 for a reserved"
              + " id, or 503 for secrets without an encryption key), nothing stored; conflict:"
              + " the id is taken by a different job (409), nothing stored")
  public enum Status {
    CREATED,
    REPLAYED,
    INVALID,
    CONFLICT;

    @JsonValue
    public String text() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
