package io.kairos.api.audit;

import io.kairos.api.security.RequiresScope;
import io.kairos.api.security.Scope;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The audit trail, newest first, for admin keys. */
@RestController
@Tag(name = "audit", description = "Who changed what, through the API or the dashboard")
class AuditController {

  private final AuditReader reader;

  AuditController(AuditReader reader) {
    this.reader = reader;
  }

  @Operation(
      operationId = "listAudit",
      summary = "The audit trail, newest first, filtered, one page at a time",
      description =
          "Every change made through the API or the dashboard (jobs, groups, types, the cluster,"
              + " dead jobs, credentials) and every dashboard sign-in, failed sign-in and"
              + " sign-out: when, which key, API or dashboard (with a digest of the session),"
              + " from which address, what, and summaries of the target before and after. Never"
              + " a secret: payloads are left out, credentials appear as the API shows them."
              + " Entries are kept for kairos.api.audit-retention. Pass nextCursor back as cursor"
              + " for the next (older) page; it is null on the last.")
  @RequiresScope(Scope.ADMIN)
  @GetMapping(path = "/api/v1/audit", produces = MediaType.APPLICATION_JSON_VALUE)
  AuditPage list(
      @Parameter(description = "the API key's name") @RequestParam(required = false) String actor,
      @Parameter(description = "an action, e.g. job.create, cluster.pause, sign-in.failed")
          @RequestParam(required = false)
          String action,
      @Parameter(description = "a job id, group, type or credential id, as entries name it")
          @RequestParam(required = false)
          String target,
      @Parameter(description = "only entries at or after this instant (ISO-8601)")
          @RequestParam(required = false)
          String since,
      @Parameter(description = "only entries before this instant (ISO-8601)")
          @RequestParam(required = false)
          String until,
      @Parameter(description = "nextCursor of the previous page") @RequestParam(required = false)
          String cursor,
      @Parameter(
              description = "page size, 1 to " + AuditReader.MAX_PAGE,
              schema =
                  @Schema(
                      type = "integer",
                      format = "int32",
                      minimum = "1",
                      maximum = "" + AuditReader.MAX_PAGE,
                      defaultValue = "" + AuditReader.DEFAULT_PAGE))
          @RequestParam(required = false)
          Integer limit) {
    return reader.read(actor, action, target, since, until, cursor, limit);
  }
}
