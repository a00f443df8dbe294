package io.kairos.api.limit;

import io.kairos.api.security.RequiresScope;
import io.kairos.api.security.Scope;
import io.kairos.limits.FlowLimit;
import io.kairos.limits.LimitStore;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The flow limits the workers enforce, and how full each is. */
@RestController
@Tag(name = "limits", description = "Flow limits: concurrency and rate, per type and per key")
public class LimitController {

  private final LimitStore limits;

  LimitController(LimitStore limits) {
    this.limits = limits;
  }

  @Operation(
      operationId = "listLimits",
      summary = "Flow limits, with what runs and what waits on each",
      description =
          "The limits as the last worker to start declared them (kairos.flow.limits). A limit per"
              + " key lists each key that has jobs running, started within its interval, or"
              + " waiting. A job held back by a full limit says so in its waitingFor.")
  @RequiresScope(Scope.JOBS_READ)
  @GetMapping(path = "/api/v1/limits", produces = MediaType.APPLICATION_JSON_VALUE)
  public List<LimitResponse> list() {
    Map<FlowLimit, List<CounterResponse>> counters = new LinkedHashMap<>();
    limits.declared().all().forEach(limit -> counters.put(limit, new ArrayList<>()));
    for (LimitStore.Usage usage : limits.usage()) {
      counters
          .computeIfAbsent(usage.limit(), l -> new ArrayList<>())
          .add(
              new CounterResponse(
                  usage.key() == null || usage.key().isEmpty() ? null : usage.key(),
                  usage.used(),
                  usage.waiting(),
                  usage.utilisation() >= 1.0 ? usage.waitingFor() : null));
    }
    return counters.entrySet().stream()
        .map(e -> LimitResponse.of(e.getKey(), e.getValue()))
        .toList();
  }

  /** One flow limit. */
  @Schema(name = "Limit")
  public record LimitResponse(
      @Schema(
              requiredMode = Schema.RequiredMode.REQUIRED,
              description = "type, or type/key pattern")
          String name,
      @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String type,
      @Schema(description = "keys it applies to, each separately (* any); null: the whole type")
          String key,
      @Schema(description = "JSON pointer of the key in the payload; a URL gives its host")
          String keyFrom,
      @Schema(description = "at most this many running at once") Integer maxRunning,
      @Schema(description = "at most this many starts within any per") Integer maxStarts,
      @Schema(description = "the rate limit's interval, ISO-8601") String per,
      @Schema(requiredMode = Schema.RequiredMode.REQUIRED) List<CounterResponse> counters) {

    static LimitResponse of(FlowLimit limit, List<CounterResponse> counters) {
      return new LimitResponse(
          limit.name(),
          limit.type(),
          limit.key(),
          limit.keyFrom(),
          limit.maxRunning(),
          limit.maxStarts(),
          limit.per() == null ? null : limit.per().toString(),
          counters);
    }
  }

  /** One key of a limit (the whole type: key null). */
  @Schema(name = "LimitCounter")
  public record CounterResponse(
      @Schema(description = "the key; null for a limit on the whole type") String key,
      @Schema(description = "running now (concurrency), or started within the interval (rate)")
          int used,
      @Schema(description = "due jobs not yet started") int waiting,
      @Schema(
              description =
                  "while full: what its waiting jobs say, e.g. \"limit customer-42: 2 of 2 running\"")
          String full) {}
}
