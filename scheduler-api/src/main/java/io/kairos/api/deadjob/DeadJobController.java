package io.kairos.api.deadjob;

import io.kairos.api.audit.AuditAction;
import io.kairos.api.audit.AuditTrail;
import io.kairos.api.job.Page;
import io.kairos.api.job.Paging;
import io.kairos.api.problem.ApiProblem;
import io.kairos.api.security.ApiPrincipal;
import io.kairos.api.security.RequiresScope;
import io.kairos.api.security.Scope;
import io.kairos.catalogue.PayloadSecrets;
import io.kairos.control.JobControl;
import io.kairos.core.Kairos;
import io.kairos.deadjob.DeadJob;
import io.kairos.deadjob.DeadJobs;
import io.kairos.job.InvalidJobException;
import io.kairos.job.NewJob;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.security.Principal;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** One-time jobs that failed for good: list, inspect, requeue, delete. */
@RestController
@RequestMapping(path = "/api/v1/dead-jobs", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "dead jobs", description = "One-time jobs that failed for good")
class DeadJobController {

  private static final String CURSOR = "dead:";

  private final DeadJobs deadJobs;
  private final PayloadSecrets secrets;
  private final AuditTrail audit;

  DeadJobController(DeadJobs deadJobs, Kairos kairos, AuditTrail audit) {
    this.deadJobs = deadJobs;
    this.secrets = kairos.payloadSecrets();
    this.audit = audit;
  }

  @Operation(
      operationId = "listDeadJobs",
      summary = "Dead jobs in id order, one page at a time",
      description = "Pass nextCursor back as cursor for the next page; it is null on the last.")
  @RequiresScope(Scope.JOBS_READ)
  @GetMapping
  Page<DeadJobResponse> list(
      @Parameter(description = "a job type") @RequestParam(required = false) String type,
      @Parameter(description = "nextCursor of the previous page") @RequestParam(required = false)
          String cursor,
      @Parameter(
              description = Paging.LIMIT_DESCRIPTION,
              schema =
                  @Schema(
                      type = "integer",
                      format = "int32",
                      minimum = "1",
                      maximum = Paging.LIMIT_MAX,
                      defaultValue = Paging.LIMIT_DEFAULT))
          @RequestParam(required = false)
          Integer limit) {
    int size = Paging.checkLimit(limit);
    if (type != null && !NewJob.ID.matcher(type).matches()) {
      throw new InvalidJobException("type", "is not a job type");
    }
    String after = cursor == null ? null : Paging.decodeCursor(CURSOR, cursor);
    List<DeadJob> page = deadJobs.list(type, after, size + 1);
    List<DeadJob> shown = page.subList(0, Math.min(size, page.size()));
    String next = page.size() > size ? Paging.encodeCursor(CURSOR, shown.get(size - 1).id()) : null;
    return new Page<>(shown.stream().map(this::response).toList(), next);
  }

  @Operation(
      operationId = "getDeadJob",
      summary = "A dead job with its payload, attempts and last error",
      description = "404 when no dead job has this id (the job may exist in another state).")
  @RequiresScope(Scope.JOBS_READ)
  @GetMapping("/{id}")
  DeadJobResponse get(@PathVariable String id) {
    return deadJobs.find(id).map(this::response).orElseThrow(() -> notDead(id));
  }

  @Operation(
      operationId = "requeueDeadJob",
      summary = "Run a dead job again, now, from attempt 1",
      description =
          "With its payload, schedule, attempts limit and priority; its history goes on. 404 for"
              + " an unknown job, 409 when the job is not dead (e.g. requeued meanwhile), 403 for"
              + " a job of the operators or of Kairos unless the key is admin.")
  @RequiresScope(Scope.JOBS_WRITE)
  @PostMapping("/{id}/requeue")
  RequeueResponse requeue(@PathVariable String id, Principal caller) {
    DeadJobs.Requeue requeue = deadJobs.requeue(id, asCaller(caller));
    return switch (requeue.outcome()) {
      case REQUEUED -> {
        audit.deadJobRequeued(id, requeue.nextRunAt());
        yield new RequeueResponse(id, "SCHEDULED", requeue.nextRunAt());
      }
      case NOT_FOUND -> throw ApiProblem.notFound("no job with id '" + id + "'");
      case NOT_DEAD ->
          throw new ApiProblem(
              HttpStatus.CONFLICT, "Conflict", "job '" + id + "' is not dead", null);
    };
  }

  @Operation(
      operationId = "requeueDeadJobs",
      summary = "Requeue every dead job of a type and/or a group",
      description =
          "Each as POST /api/v1/dead-jobs/{id}/requeue does, in its own transaction: requeued"
              + " counts those run again, skipped those no longer dead when their turn came"
              + " (requeued or deleted meanwhile). Give type, group or both. Without admin, dead"
              + " jobs of the operators and of Kairos are left alone.")
  @RequiresScope(Scope.JOBS_WRITE)
  @PostMapping("/requeue")
  BulkRequeueResponse requeueAll(
      @Parameter(description = "the type of the dead jobs to requeue")
          @RequestParam(required = false)
          String type,
      @Parameter(description = "the group of the dead jobs to requeue")
          @RequestParam(required = false)
          String group,
      Principal caller) {
    if (type == null && group == null) {
      throw new InvalidJobException("type", "give a type or a group (or both) of dead jobs");
    }
    if (type != null && !NewJob.ID.matcher(type).matches()) {
      throw new InvalidJobException("type", "is not a job type");
    }
    if (group != null && !NewJob.ID.matcher(group).matches()) {
      throw new InvalidJobException("group", "must match [A-Za-z0-9._:-]{1,200}");
    }
    DeadJobs.BulkRequeue result = deadJobs.requeueAll(type, group, asCaller(caller));
    audit.record(
        AuditAction.DEAD_JOBS_REQUEUE,
        AuditTrail.selection(group, type),
        null,
        java.util.Map.of("requeued", result.requeued(), "skipped", result.skipped()));
    return new BulkRequeueResponse(type, group, result.requeued(), result.skipped());
  }

  @Operation(
      operationId = "deleteDeadJob",
      summary = "Delete a dead job",
      description =
          "Its history stays until pruned. 404 when no dead job has this id; 403 for a job of the"
              + " operators or of Kairos unless the key is admin.")
  @ApiResponse(responseCode = "204", description = "deleted")
  @RequiresScope(Scope.JOBS_WRITE)
  @DeleteMapping("/{id}")
  ResponseEntity<Void> delete(@PathVariable String id, Principal caller) {
    if (!deadJobs.delete(id, asCaller(caller))) {
      throw notDead(id);
    }
    audit.deadJobDeleted(id);
    return ResponseEntity.noContent().build();
  }

  /** An admin key acts as an operator: it may change the jobs of operators and of Kairos. */
  static JobControl.Caller asCaller(Principal principal) {
    ApiPrincipal caller = ApiPrincipal.of(principal);
    return new JobControl.Caller(caller.name(), caller.admin());
  }

  private static ApiProblem notDead(String id) {
    return ApiProblem.notFound("no dead job with id '" + id + "'");
  }

  /** Secret payload values (webhook headers) are shown as "***". */
  private DeadJobResponse response(DeadJob job) {
    return DeadJobResponse.of(job, secrets.mask(job.type(), job.payload()));
  }
}
