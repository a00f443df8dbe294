package io.kairos.api.job;

import io.kairos.control.Backfills;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** The one-time jobs a backfill made, one per occurrence of the range. */
@Schema(name = "Backfill")
public record BackfillResponse(
    @Schema(description = "the recurring job") String jobId,
    @Schema(
            description =
                "ids of the jobs created by this request, one per occurrence not asked for"
                    + " before, in time order: <id>.backfill.<epoch millis of the occurrence>")
        List<String> created,
    @Schema(
            description =
                "ids of occurrences of the range asked for before: left as they are, so each"
                    + " occurrence runs once however often it is asked for")
        List<String> existing) {

  static BackfillResponse of(Backfills.Backfill backfill) {
    return new BackfillResponse(backfill.jobId(), backfill.created(), backfill.existing());
  }
}
