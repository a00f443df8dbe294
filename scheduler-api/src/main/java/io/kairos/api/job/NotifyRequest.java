package io.kairos.api.job;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** One target of a job's notifications: a webhook URL or an e-mail address, and its events. */
@Schema(
    name = "NotifyTarget",
    description =
        "Exactly one of webhook (an http(s) URL, held to the webhook outbound policy; sent signed"
            + " like any webhook job) or email (an address).")
public record NotifyRequest(
    @Schema(example = "https://ops.example.com/kairos") String webhook,
    @Schema(example = "ops@example.com") String email,
    @Schema(
            description =
                "FAILED (each failed attempt), DEAD, MISSED, STALE, RECOVERED; default DEAD,"
                    + " MISSED, STALE")
        List<String> events) {}
