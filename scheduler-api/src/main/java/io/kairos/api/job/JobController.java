package io.kairos.api.job;

import io.kairos.api.audit.AuditAction;
import io.kairos.api.audit.AuditTrail;
import io.kairos.api.security.ApiPrincipal;
import io.kairos.api.security.RequiresScope;
import io.kairos.api.security.Scope;
import io.kairos.control.JobSubmitter;
import io.kairos.job.InvalidJobException;
import io.kairos.job.JobConflict;
import io.kairos.job.JobState;
import io.kairos.registry.JobStore;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping(path = "/api/v1/jobs", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "jobs", description = "Schedule, inspect and control jobs")
class JobController {

  private final JobService jobs;
  private final JobCreation creation;
  private final JobCreationMetrics metrics;
  private final AuditTrail audit;

  JobController(
      JobService jobs, JobCreation creation, JobCreationMetrics metrics, AuditTrail audit) {
    this.creation = creation;
    this.jobs = jobs;
    this.metrics = metrics;
    this.audit = audit;
  }

  @Operation(
      operationId = "createJob",
      summary = "Schedule a job",
      description =
          "201 with the new job; 200 with the existing job when the same id is posted again"
              + " with the same body; 409 when the id is taken by a different job.")
  @ApiResponse(
      responseCode = "201",
      description = "created",
      content = @Content(schema = @Schema(implementation = JobResponse.class)))
  @ApiResponse(
      responseCode = "200",
      description = "replay: the job created by the same request earlier",
      content = @Content(schema = @Schema(implementation = JobResponse.class)))
  @RequiresScope(Scope.JOBS_WRITE)
  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<JobResponse> create(@RequestBody CreateJobRequest request, Principal caller) {
    JobSubmitter.Submission submission;
    try {
      // The job and its audit entry, committed together.
      submission = creation.createRecorded(request, ApiPrincipal.of(caller));
    } catch (InvalidJobException e) {
      metrics.record(request.type(), JobCreationMetrics.Outcome.INVALID);
      throw e;
    } catch (JobConflict e) {
      metrics.record(request.type(), JobCreationMetrics.Outcome.CONFLICT);
      throw e;
    }
    metrics.record(
        submission.job().type(),
        submission.created()
            ? JobCreationMetrics.Outcome.CREATED
            : JobCreationMetrics.Outcome.REPLAYED);
    if (!submission.created()) {
      return ResponseEntity.ok(jobs.get(submission.job().id()));
    }
    // A job just created has run nothing: its response needs no read.
    JobResponse body = jobs.response(submission.job(), null);
    return ResponseEntity.status(HttpStatus.CREATED)
        .location(URI.create("/api/v1/jobs/" + body.id()))
        .body(body);
  }

  @Operation(
      operationId = "createJobs",
      summary = "Schedule up to 1000 jobs in one request",
      description =
          "Each item is the body of POST /api/v1/jobs and is checked exactly as that request"
              + " would be (fields, reserved ids, static quotas, secrets). Items that fail are"
              + " reported as invalid, with the problem their own request would have had, its"
              + " field a path into this body (jobs[3].payload.url); they do not stop the others."
              + " The valid items are created in one transaction: each is created, replayed (same"
              + " id, same request as an existing job) or a conflict (same id, different job), as"
              + " in POST /api/v1/jobs, and a database failure creates none of them. The answer"
              + " is 200 with one result per item, in request order. Refused whole, nothing"
              + " created: an empty list or more than 1000 items (400 naming jobs), an id given"
              + " twice (400 naming the second, jobs[i].id), a body over"
              + " kairos.api.max-batch-body-size (400), and new jobs beyond the key's dynamic"
              + " quotas, counted for the batch as a whole (429 with Retry-After; 400 naming jobs"
              + " when the batch alone holds more new jobs than the key may create in a minute)."
              + " Workers are woken once for the batch.")
  @ApiResponse(
      responseCode = "200",
      description = "one result per item, in request order",
      content = @Content(schema = @Schema(implementation = BatchResponse.class)))
  @ApiResponse(
      responseCode = "429",
      description =
          "the batch's new jobs exceed a dynamic quota of the key (the problem names it in"
              + " limit); nothing was created",
      content =
          @Content(
              mediaType = "application/problem+json",
              schema = @Schema(ref = "#/components/schemas/Problem")))
  @RequiresScope(Scope.JOBS_WRITE)
  @PostMapping(path = "/batch", consumes = MediaType.APPLICATION_JSON_VALUE)
  BatchResponse createAll(@RequestBody CreateJobsRequest request, Principal caller) {
    List<CreateJobRequest> items = request.jobs();
    JobCreation.BatchOutcome outcome = creation.createAll(items, ApiPrincipal.of(caller));
    audit.recordAll(
        outcome.submitted().stream()
            .filter(s -> s.result() == JobSubmitter.Result.CREATED)
            .map(
                s ->
                    new AuditTrail.Change(
                        AuditAction.JOB_CREATE, s.id(), null, JobSummary.of(s.job())))
            .toList());
    BatchResponse response = creation.response(outcome, items);
    for (BatchItemResponse item : response.items()) {
      String type =
          item.job() != null
              ? item.job().type()
              : items.get(item.index()) == null ? null : items.get(item.index()).type();
      metrics.record(
          type,
          switch (item.status()) {
            case CREATED -> JobCreationMetrics.Outcome.CREATED;
            case REPLAYED -> JobCreationMetrics.Outcome.REPLAYED;
            case INVALID -> JobCreationMetrics.Outcome.INVALID;
            case CONFLICT -> JobCreationMetrics.Outcome.CONFLICT;
          });
    }
    return response;
  }

  @Operation(
      operationId = "replaceJob",
      summary = "Create or replace the job at this id, whole",
      description =
          "The body is the whole definition (the body of POST without id). An unknown id is"
              + " created (201). A known one is replaced in one transaction: its pending or paused"
              + " execution is dropped, the new definition stored as the job's next revision and"
              + " scheduled as a new job would be (200). This also revives a job that completed,"
              + " was cancelled, died or was missed; its history stays, each run marked with the"
              + " revision it ran. The same definition as the stored one changes nothing (200),"
              + " whatever the job's state, so a retried PUT never runs a job twice. A running"
              + " job is refused with 409 naming the worker in runningOn and a Retry-After header"
              + " (seconds): nothing is changed, replace it once the attempt ended. A job declared"
              + " in the workers' configuration is refused with 409.")
  @ApiResponse(
      responseCode = "201",
      description = "created: no job had this id",
      content = @Content(schema = @Schema(implementation = JobResponse.class)))
  @ApiResponse(
      responseCode = "200",
      description = "replaced (revision + 1), or unchanged when the definition was already this",
      content = @Content(schema = @Schema(implementation = JobResponse.class)))
  @RequiresScope(Scope.JOBS_WRITE)
  @PutMapping(path = "/{id}", consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<JobResponse> replace(
      @PathVariable String id, @RequestBody ReplaceJobRequest request, Principal caller) {
    Map<String, Object> before = JobSummary.of(jobs.find(id).orElse(null));
    JobSubmitter.Replacement replacement = creation.replace(id, request, ApiPrincipal.of(caller));
    if (replacement.outcome() != JobStore.Replaced.UNCHANGED) {
      audit.record(
          replacement.created() ? AuditAction.JOB_CREATE : AuditAction.JOB_REPLACE,
          id,
          before,
          JobSummary.of(replacement.job()));
    }
    JobResponse body = jobs.get(replacement.job().id());
    if (!replacement.created()) {
      return ResponseEntity.ok(body);
    }
    return ResponseEntity.status(HttpStatus.CREATED)
        .location(URI.create("/api/v1/jobs/" + body.id()))
        .body(body);
  }

  @Operation(
      operationId = "listJobs",
      summary = "Jobs in id order, filtered, one page at a time",
      description = "Pass nextCursor back as cursor for the next page; it is null on the last.")
  @RequiresScope(Scope.JOBS_READ)
  @GetMapping
  Page<JobResponse> list(
      @Parameter(description = "a job type") @RequestParam(required = false) String type,
      @Parameter(description = "a group") @RequestParam(required = false) String group,
      @Parameter(description = "a state") @RequestParam(required = false) JobState state,
      @Parameter(description = "only ids starting with this (taken literally)")
          @RequestParam(required = false)
          String idPrefix,
      @Parameter(description = "true: only jobs the stale-job watchdog marks as stale")
          @RequestParam(required = false, defaultValue = "false")
          boolean stale,
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
    return jobs.list(type, group, state, idPrefix, stale, cursor, limit);
  }

  @Operation(
      operationId = "getJob",
      summary = "A job with its state, next run and last run",
      description =
          "The ETag names the job's definition as it is now (not its runs): send it back as"
              + " If-Match with PATCH to change only that definition.")
  @RequiresScope(Scope.JOBS_READ)
  @GetMapping("/{id}")
  ResponseEntity<JobResponse> get(@PathVariable String id) {
    JobService.Versioned read = jobs.read(id);
    return ResponseEntity.ok().eTag(read.version()).body(read.job());
  }

  @Operation(
      operationId = "changeJob",
      summary = "Reschedule a job, or change its payload, priority or attempts",
      description =
          "Refused with 409 while the job is running (the problem names the worker in"
              + " runningOn) or once it is final. A paused job stays paused. With If-Match (the"
              + " ETag of GET /api/v1/jobs/{id}), refused with 412 when the job was changed or"
              + " replaced since; nothing is changed then.")
  @RequiresScope(Scope.JOBS_WRITE)
  @PatchMapping(
      path = "/{id}",
      consumes = {MediaType.APPLICATION_JSON_VALUE, "application/merge-patch+json"})
  ResponseEntity<JobResponse> change(
      @PathVariable String id,
      @RequestBody ChangeJobRequest request,
      @Parameter(description = "the ETag read with the job: change only that version of it")
          @RequestHeader(value = HttpHeaders.IF_MATCH, required = false)
          String ifMatch,
      Principal caller) {
    JobService.Versioned changed =
        jobs.change(id, request, EntityTags.version(ifMatch), ApiPrincipal.of(caller));
    return ResponseEntity.ok().eTag(changed.version()).body(changed.job());
  }

  @Operation(
      operationId = "cancelJob",
      summary = "Cancel a job",
      description =
          "Removes its pending execution and marks it CANCELLED; it stays readable. Cancelling"
              + " twice is fine. Refused with 409 while it is running (retry when the attempt"
              + " ended) or when it already completed, died or was missed.")
  @RequiresScope(Scope.JOBS_WRITE)
  @DeleteMapping("/{id}")
  JobResponse cancel(@PathVariable String id, Principal caller) {
    return jobs.cancel(id, ApiPrincipal.of(caller));
  }

  @Operation(
      operationId = "cancelGroup",
      summary = "Cancel every job of a group",
      description =
          "Cancels, in one transaction, every pending or paused job of the group. Jobs running"
              + " right now are left alone and listed in running.")
  @RequiresScope(Scope.JOBS_WRITE)
  @DeleteMapping
  GroupCancellationResponse cancelGroup(
      @Parameter(description = "the group whose jobs to cancel", required = true)
          @RequestParam(required = false)
          String group,
      Principal caller) {
    return jobs.cancelGroup(group, ApiPrincipal.of(caller));
  }

  @Operation(
      operationId = "pauseJobs",
      summary = "Pause every job of a group and/or a type",
      description =
          "The per-job pause applied to the selection, in one transaction: every pending job"
              + " created through the API of the group and/or type keeps its next run time but"
              + " does not run until resumed. Jobs running right now are left alone and listed in"
              + " running; jobs added later are not paused; jobs declared in the workers'"
              + " configuration are left out. Give group, type or both.")
  @RequiresScope(Scope.JOBS_WRITE)
  @PostMapping("/pause")
  BulkPauseResponse pauseAll(
      @Parameter(description = "the group whose jobs to pause") @RequestParam(required = false)
          String group,
      @Parameter(description = "the type whose jobs to pause") @RequestParam(required = false)
          String type,
      Principal caller) {
    return jobs.pauseAll(group, type, caller.getName());
  }

  @Operation(
      operationId = "resumeJobs",
      summary = "Resume every paused job of a group and/or a type",
      description =
          "Each paused job of the selection is resumed as POST /api/v1/jobs/{id}/resume does, in"
              + " its own transaction. Give group, type or both.")
  @RequiresScope(Scope.JOBS_WRITE)
  @PostMapping("/resume")
  BulkResumeResponse resumeAll(
      @Parameter(description = "the group whose jobs to resume") @RequestParam(required = false)
          String group,
      @Parameter(description = "the type whose jobs to resume") @RequestParam(required = false)
          String type,
      Principal caller) {
    return jobs.resumeAll(group, type, caller.getName());
  }

  @Operation(
      operationId = "runJobNow",
      summary = "Run a job now",
      description =
          "Makes it due now. A recurring job keeps its schedule: a cron job's next run after this"
              + " one is its next cron time; an 'every' job's grid restarts from now. 409 while"
              + " running, paused or final.")
  @RequiresScope(Scope.JOBS_WRITE)
  @PostMapping("/{id}/run")
  JobResponse runNow(@PathVariable String id, Principal caller) {
    return jobs.runNow(id, ApiPrincipal.of(caller));
  }

  @Operation(
      operationId = "pauseJob",
      summary = "Pause a job",
      description =
          "It keeps its next run time but no worker runs it until resumed. 409 while running or"
              + " final; pausing a paused job is fine.")
  @RequiresScope(Scope.JOBS_WRITE)
  @PostMapping("/{id}/pause")
  JobResponse pause(@PathVariable String id, Principal caller) {
    return jobs.pause(id, ApiPrincipal.of(caller));
  }

  @Operation(
      operationId = "resumeJob",
      summary = "Resume a paused job",
      description =
          "A one-time job runs at its kept time, or at once if that passed; a recurring job at"
              + " its next occurrence (occurrences missed while paused are not made up). Resuming"
              + " a job that is not paused is fine; 409 when it is final.")
  @RequiresScope(Scope.JOBS_WRITE)
  @PostMapping("/{id}/resume")
  JobResponse resume(@PathVariable String id, Principal caller) {
    return jobs.resume(id, ApiPrincipal.of(caller));
  }

  @Operation(
      operationId = "cancelJobAttempt",
      summary = "Stop the running attempt",
      description =
          "Asks the attempt running the job now to stop, on whichever worker runs it. Its handler"
              + " sees the request (JobContext.cancelRequested) within about"
              + " kairos.worker.signal-check and its thread is interrupted after"
              + " kairos.worker.cancel-grace; the attempt ends CANCELLED and is not retried: a"
              + " one-time job becomes CANCELLED, a recurring job waits for its next occurrence."
              + " Asking again changes nothing. 409 when no attempt is running. The job as it"
              + " stands, with runningAttempt.cancelRequestedAt set.")
  @ApiResponse(responseCode = "202", description = "the attempt was asked to stop")
  @RequiresScope(Scope.JOBS_WRITE)
  @PostMapping("/{id}/cancel-attempt")
  @ResponseStatus(HttpStatus.ACCEPTED)
  JobResponse cancelAttempt(@PathVariable String id, Principal caller) {
    return jobs.cancelAttempt(id, ApiPrincipal.of(caller));
  }

  @Operation(
      operationId = "backfillJob",
      summary = "Run a recurring job's occurrences of a past range",
      description =
          "Creates one one-time job per occurrence in [from, to), due at the occurrence's time"
              + " (so it runs at once, with no misfire limit), with the job's type, payload,"
              + " group, attempts, priority and timeout, id <id>.backfill.<epoch millis>. Idempotent:"
              + " occurrences asked for before are left as they are (listed in 'existing'), so"
              + " each runs once. At most 1000 occurrences per request; 'to' must not be in the"
              + " future; 400 for a one-time job.")
  @RequiresScope(Scope.JOBS_WRITE)
  @PostMapping(path = "/{id}/backfill", consumes = MediaType.APPLICATION_JSON_VALUE)
  BackfillResponse backfill(
      @PathVariable String id, @RequestBody BackfillRequest request, Principal caller) {
    return jobs.backfill(id, request, ApiPrincipal.of(caller));
  }

  @Operation(
      operationId = "listJobRuns",
      summary = "A job's attempts, oldest first or newest first",
      description =
          "Keyset pages of the job's attempts. order=oldest (the default) lists them as they"
              + " happened; order=newest lists the latest first, for a job that runs often. A"
              + " cursor continues the order it was returned with.")
  @RequiresScope(Scope.JOBS_READ)
  @GetMapping("/{id}/runs")
  Page<RunResponse> runs(
      @PathVariable String id,
      @Parameter(
              description = "oldest (default) or newest first",
              schema =
                  @Schema(
                      type = "string",
                      allowableValues = {"oldest", "newest"},
                      defaultValue = "oldest"))
          @RequestParam(required = false)
          String order,
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
    return jobs.runs(id, JobService.RunOrder.of(order), cursor, limit);
  }
}
