package io.kairos.api.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/** One change (or sign-in) as the audit trail keeps it: who, from where, what, before and after. */
@Schema(name = "AuditEntry")
public record AuditEntry(
    @Schema(description = "increasing: a later entry has a larger id") long id,
    Instant at,
    @Schema(description = "the API key's name; \"(unknown key)\" for a failed sign-in")
        String actor,
    @Schema(allowableValues = {"API", "DASHBOARD"}) String channel,
    @Schema(description = "dashboard only: a digest of the session (never its id)") String session,
    @Schema(description = "the caller's address as the API saw it") String address,
    @Schema(description = "what was done, e.g. job.create, job.pause, cluster.pause, sign-in")
        String action,
    @Schema(description = "what it was done to: a job id, a group, a type, a credential id")
        String target,
    @Schema(
            ref = "#/components/schemas/JsonObject",
            description = "a summary of the target before the change; null when it did not exist")
        JsonNode before,
    @Schema(
            ref = "#/components/schemas/JsonObject",
            description = "a summary of the target after the change; null when it is gone")
        JsonNode after) {}
