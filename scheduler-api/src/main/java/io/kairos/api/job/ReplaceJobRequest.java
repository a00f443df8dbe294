package io.kairos.api.job;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/**
 * The body of {@code PUT /api/v1/jobs/{id}}: the body of {@code POST /api/v1/jobs} without the id,
 * which the path gives. Validated and hashed exactly as that body with the path's id, so a PUT and
 * a POST of the same definition are the same request.
 */
@Schema(
    name = "ReplaceJobRequest",
    description =
        "The whole definition of the job at this id: the body of POST /api/v1/jobs without id."
            + " Fields left out take their defaults; nothing is kept from the job it replaces.")
public record ReplaceJobRequest(
    @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "email") String type,
    @Schema(
            description = "a label to list, cancel or pause jobs together",
            pattern = "^[A-Za-z0-9._:-]{1,200}$")
        String group,
    @Schema(ref = "#/components/schemas/JsonObject") JsonNode payload,
    @Schema(description = "absent means now") ScheduleRequest schedule,
    @Schema(
            description = "higher runs first among due jobs; default 0",
            minimum = "-1000",
            maximum = "1000")
        Integer priority,
    @Schema(
            description = "attempts before the job is dead; default 3",
            minimum = "1",
            maximum = "100")
        Integer maxAttempts,
    @Schema(
            description =
                "ISO-8601 duration, PT1S to PT24H: the longest one attempt may run; absent means"
                    + " the type's default",
            example = "PT30S")
        String timeout,
    @Schema(
            description =
                "how late a one-time job may still start: an ISO-8601 duration, PT0S to P7D, or"
                    + " \"none\"; absent or null means the cluster's default"
                    + " (kairos.default-misfire-grace)",
            example = "PT5M")
        String misfireGrace,
    @ArraySchema(
            arraySchema =
                @Schema(
                    description =
                        "who is told when this job fails, dies, is missed, goes stale or is"
                            + " recovered (besides the targets configured on the workers); at"
                            + " most 10"),
            maxItems = 10)
        @JsonProperty("notify")
        List<NotifyRequest> notifyTargets) {

  /** The same definition as a POST body for {@code id}. */
  CreateJobRequest withId(String id) {
    return new CreateJobRequest(
        type,
        id,
        group,
        payload,
        schedule,
        priority,
        maxAttempts,
        timeout,
        misfireGrace,
        notifyTargets);
  }
}
