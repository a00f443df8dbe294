package io.kairos.api.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.kagkarlsson.scheduler.Clock;
import io.kairos.api.audit.AuditAction;
import io.kairos.api.audit.AuditTrail;
import io.kairos.api.security.ApiPrincipal;
import io.kairos.catalogue.JobCatalogue;
import io.kairos.catalogue.PayloadSecrets;
import io.kairos.catalogue.PublishedTypes;
import io.kairos.control.Backfills;
import io.kairos.control.JobControl;
import io.kairos.control.JobRequests;
import io.kairos.job.InvalidJobException;
import io.kairos.job.Job;
import io.kairos.job.JobFilter;
import io.kairos.job.JobRun;
import io.kairos.job.JobSource;
import io.kairos.job.JobState;
import io.kairos.job.JobStateConflict;
import io.kairos.job.MisfirePolicy;
import io.kairos.job.NewJob;
import io.kairos.job.OperatorJobException;
import io.kairos.job.ScheduleSpec;
import io.kairos.job.UnknownJobException;
import io.kairos.limits.LimitStore;
import io.kairos.registry.JobStore;
import io.kairos.registry.RunHistoryStore;
import io.kairos.running.AttemptSignalStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.springframework.stereotype.Service;

/**
 * Reads and changes jobs for the API and the dashboard: each job shown with its last run and what
 * holds it back, secret payload values masked; changes checked (naming the field) before one core
 * call. Creating jobs is {@link JobCreation}'s.
 */
@Service
public class JobService {

  private final JobCatalogue catalogue;
  private final JobControl control;
  private final JobStore jobs;
  private final RunHistoryStore runs;
  private final Clock clock;
  private final MisfirePolicy misfire;
  private final PayloadSecrets secrets;
  private final PublishedTypes publishedTypes;
  private final AuditTrail audit;
  private final AttemptSignalStore signals;
  private final Backfills backfills;
  private final JobCreationMetrics metrics;
  private final LimitStore limits;
  private final JobRequests requests;

  JobService(
      JobCatalogue catalogue,
      JobControl control,
      JobStore jobs,
      RunHistoryStore runs,
      Clock clock,
      MisfirePolicy misfire,
      PayloadSecrets secrets,
      PublishedTypes publishedTypes,
      AuditTrail audit,
      AttemptSignalStore signals,
      Backfills backfills,
      JobCreationMetrics metrics,
      LimitStore limits,
      JobRequests requests) {
    this.requests = requests;
    this.signals = signals;
    this.backfills = backfills;
    this.metrics = metrics;
    this.limits = limits;
    this.catalogue = catalogue;
    this.control = control;
    this.jobs = jobs;
    this.runs = runs;
    this.clock = clock;
    this.misfire = misfire;
    this.secrets = secrets;
    this.publishedTypes = publishedTypes;
    this.audit = audit;
  }

  /** One job; while it runs, with its running attempt's live progress and cancel request. */
  public JobResponse get(String id) {
    return detailed(jobs.find(id).orElseThrow(() -> new UnknownJobException(id)));
  }

  private JobResponse detailed(Job job) {
    String id = job.id();
    RunningAttemptResponse running = null;
    if (job.state() == JobState.RUNNING) {
      running =
          signals
              .current(id)
              .map(RunningAttemptResponse::of)
              .orElse(RunningAttemptResponse.NOTHING_REPORTED);
    }
    return JobResponse.of(
        job,
        secrets.mask(job.type(), job.payload()),
        runs.lastRunOf(id).orElse(null),
        waitingFor(job).orElse(null),
        running);
  }

  /** Runs each occurrence of a recurring job in a past range once (see {@link Backfills}). */
  public BackfillResponse backfill(String id, BackfillRequest request, ApiPrincipal caller) {
    if (request == null) {
      throw new InvalidJobException("from", "is required: give 'from' and 'to'");
    }
    Backfills.Backfill done =
        backfills.backfill(id, request.fromInstant(), request.toInstant(), asCaller(caller));
    String type = jobs.find(id).map(Job::type).orElse(null);
    metrics.backfilled(type, done.created().size());
    BackfillResponse response = BackfillResponse.of(done);
    if (!response.created().isEmpty()) {
      audit.record(
          AuditAction.JOB_BACKFILL,
          id,
          null,
          Map.of("from", request.from(), "to", request.to(), "created", response.created()));
    }
    return response;
  }

  /**
   * Asks the attempt running the job now to stop, on whichever worker runs it: its handler sees the
   * request within about kairos.worker.signal-check and is interrupted after the cancel grace; the
   * attempt ends CANCELLED and is not retried. Asking again changes nothing.
   *
   * @throws JobStateConflict when no attempt of the job is running
   */
  public JobResponse cancelAttempt(String id, ApiPrincipal caller) {
    Job job = jobs.find(id).orElseThrow(() -> new UnknownJobException(id));
    if (job.source() != JobSource.API && !caller.admin()) {
      throw new OperatorJobException(id, job.source(), "cancel an attempt of");
    }
    if (signals.requestCancel(id, caller.name()).isEmpty()) {
      Job now = jobs.find(id).orElse(job);
      throw new JobStateConflict(
          now, "job '" + id + "' has no running attempt to cancel (it is " + now.state() + ")");
    }
    audit.record(AuditAction.JOB_CANCEL_ATTEMPT, id, JobSummary.of(job), null);
    return get(id);
  }

  /** The job as stored, if any: for the audit trail's "before". */
  Optional<Job> find(String id) {
    return jobs.find(id);
  }

  Page<JobResponse> list(String type, String group, JobState state, String cursor, Integer limit) {
    return list(type, group, state, null, false, cursor, limit);
  }

  /**
   * One page of jobs in id order. {@code idPrefix} (the id alphabet, taken literally) and {@code
   * staleOnly} narrow it further; the cursor is the last id shown, whatever the filter.
   */
  public Page<JobResponse> list(
      String type,
      String group,
      JobState state,
      String idPrefix,
      boolean staleOnly,
      String cursor,
      Integer limit) {
    int size = Paging.checkLimit(limit);
    if (type != null) {
      catalogue.require(type);
    }
    if (idPrefix != null && !idPrefix.isEmpty() && !NewJob.ID.matcher(idPrefix).matches()) {
      throw new InvalidJobException("idPrefix", "must match [A-Za-z0-9._:-]{1,200}");
    }
    String after = cursor == null ? null : Paging.decodeCursor("job:", cursor);
    List<Job> page =
        jobs.list(new JobFilter(type, group, state, idPrefix, staleOnly), after, size + 1);
    List<Job> shown = page.subList(0, Math.min(size, page.size()));
    Map<String, JobRun> lastRuns =
        runs.lastRunsOf(shown.stream().map(Job::id).toList()).stream()
            .collect(Collectors.toMap(JobRun::jobId, Function.identity()));
    List<JobResponse> items =
        shown.stream().map(job -> response(job, lastRuns.get(job.id()))).toList();
    String next = page.size() > size ? Paging.encodeCursor("job:", shown.get(size - 1).id()) : null;
    return new Page<>(items, next);
  }

  public JobResponse change(String id, ChangeJobRequest request, ApiPrincipal caller) {
    return change(id, request, null, caller).job();
  }

  /** A job as read now, with the {@link Job#version() version} of its definition. */
  public record Versioned(JobResponse job, String version) {}

  /** One job with the version of its definition (the API's ETag). */
  public Versioned read(String id) {
    // One read: the version is the version of the job the response shows.
    Job job = jobs.find(id).orElseThrow(() -> new UnknownJobException(id));
    return new Versioned(detailed(job), job.version());
  }

  /**
   * Changes what the request names, nothing else: a payload given is a merge patch of the stored
   * one, checked whole (secret values it leaves alone shown to the checks as {@value
   * PayloadSecrets#MASK}) and stored with its new secret values sealed; a secret value given as
   * that mask keeps the stored one, so a payload sent back as it was read keeps its secrets. With
   * {@code ifVersion} (the version the caller read) the change is refused ({@link
   * io.kairos.job.StaleJobVersion}) when the job's definition changed since.
   */
  public Versioned change(
      String id, ChangeJobRequest request, String ifVersion, ApiPrincipal caller) {
    JsonNode patch = request.payload();
    boolean emptyPatch = patch != null && patch.isObject() && patch.isEmpty();
    boolean payloadGiven = patch != null && !patch.isNull() && !emptyPatch;
    if (request.schedule() == null
        && request.priority() == null
        && request.maxAttempts() == null
        && !payloadGiven) {
      throw emptyPatch
          ? new InvalidJobException(
              "payload", "names no member: an empty merge patch changes nothing")
          : new InvalidJobException(
              "schedule",
              "give at least one of 'schedule', 'priority', 'maxAttempts' or 'payload'");
    }
    Job job = jobs.find(id).orElseThrow(() -> new UnknownJobException(id));
    if (job.source().operatorsOnly() && !caller.admin()) {
      // Say that the job is not the caller's before judging what it asked for.
      throw new OperatorJobException(id, job.source(), "change");
    }
    JsonNode payload = payloadGiven ? changedPayload(job, patch, caller) : null;
    ScheduleSpec schedule = request.schedule() == null ? null : request.schedule().toSpec();
    if (schedule != null) {
      JobCreation.refuseMissed(misfire, schedule, clock.now(), job.misfireGrace());
    }
    Quotas.checkStatic(caller, schedule, request.priority(), null, clock.now());
    JobControl.Change change =
        new JobControl.Change(
            schedule, request.priority(), request.maxAttempts(), payload, ifVersion);
    Job changed = control.change(id, change, asCaller(caller));
    Map<String, Object> after = JobSummary.of(changed);
    if (payloadGiven) {
      // The names of the payload members the patch touched; never their values.
      List<String> touched = new ArrayList<>();
      patch.fieldNames().forEachRemaining(touched::add);
      after.put("payloadChanged", touched);
    }
    audit.record(AuditAction.JOB_CHANGE, id, JobSummary.of(job), after);
    return new Versioned(withLastRun(changed), changed.version());
  }

  /** The stored payload with the patch applied, checked as a new job's payload, secrets sealed. */
  private JsonNode changedPayload(Job job, JsonNode patch, ApiPrincipal caller) {
    if (!patch.isObject()) {
      throw new InvalidJobException(
          "payload", "must be a JSON object: a merge patch (RFC 7396) of the job's payload");
    }
    JsonNode checked = MergePatch.apply(secrets.mask(job.type(), job.payload()), patch);
    requests.checkPayload(job.type(), checked, caller.name(), caller.admin());
    JsonNode merged =
        secrets.keepMasked(job.type(), job.payload(), MergePatch.apply(job.payload(), patch));
    return secrets.seal(job.type(), job.id(), merged);
  }

  public JobResponse runNow(String id, ApiPrincipal caller) {
    return audited(AuditAction.JOB_RUN_NOW, id, () -> control.runNow(id, asCaller(caller)));
  }

  public JobResponse pause(String id, ApiPrincipal caller) {
    return audited(AuditAction.JOB_PAUSE, id, () -> control.pause(id, asCaller(caller)));
  }

  public JobResponse resume(String id, ApiPrincipal caller) {
    return audited(AuditAction.JOB_RESUME, id, () -> control.resume(id, asCaller(caller)));
  }

  public JobResponse cancel(String id, ApiPrincipal caller) {
    return audited(AuditAction.JOB_CANCEL, id, () -> control.cancel(id, asCaller(caller)));
  }

  /** One job's change, recorded in the audit trail with the job as it was and as it is. */
  private JobResponse audited(AuditAction action, String id, Supplier<Job> change) {
    Job before = jobs.find(id).orElse(null);
    Job after = change.get();
    audit.record(action, id, JobSummary.of(before), JobSummary.of(after));
    return withLastRun(after);
  }

  /** An admin key acts as an operator: it may change the jobs of operators and of Kairos. */
  private static JobControl.Caller asCaller(ApiPrincipal caller) {
    return new JobControl.Caller(caller.name(), caller.admin());
  }

  GroupCancellationResponse cancelGroup(String group, ApiPrincipal caller) {
    if (group == null || group.isBlank()) {
      throw new InvalidJobException("group", "is required: give the group whose jobs to cancel");
    }
    if (!NewJob.ID.matcher(group).matches()) {
      throw new InvalidJobException("group", "must match [A-Za-z0-9._:-]{1,200}");
    }
    JobControl.GroupCancellation result = control.cancelGroup(group, asCaller(caller));
    audit.record(
        AuditAction.GROUP_CANCEL,
        group,
        null,
        Map.of(
            "cancelled", result.cancelled().size(),
            "running", result.running().size()));
    return new GroupCancellationResponse(
        group,
        result.cancelled().size(),
        result.running().stream()
            .map(r -> new GroupCancellationResponse.RunningJob(r.id(), r.node()))
            .toList());
  }

  BulkPauseResponse pauseAll(String group, String type, String caller) {
    JobFilter selection = selection(group, type);
    JobControl.BulkPause result = control.pauseAll(selection, caller);
    audit.record(
        AuditAction.JOBS_PAUSE,
        AuditTrail.selection(group, type),
        null,
        Map.of("paused", result.paused().size(), "running", result.running().size()));
    return new BulkPauseResponse(
        group,
        type,
        result.paused().size(),
        result.running().stream()
            .map(r -> new GroupCancellationResponse.RunningJob(r.id(), r.node()))
            .toList());
  }

  BulkResumeResponse resumeAll(String group, String type, String caller) {
    JobFilter selection = selection(group, type);
    int resumed = control.resumeAll(selection, caller).resumed().size();
    audit.record(
        AuditAction.JOBS_RESUME,
        AuditTrail.selection(group, type),
        null,
        Map.of("resumed", resumed));
    return new BulkResumeResponse(group, type, resumed);
  }

  /** A group and/or a type; at least one, so a mistyped request never pauses everything. */
  private JobFilter selection(String group, String type) {
    if (group == null && type == null) {
      throw new InvalidJobException(
          "group",
          "give a group or a type (or both) to select the jobs; see /api/v1/cluster to"
              + " pause everything");
    }
    if (group != null && !NewJob.ID.matcher(group).matches()) {
      throw new InvalidJobException("group", "must match [A-Za-z0-9._:-]{1,200}");
    }
    if (type != null) {
      catalogue.require(type);
    }
    return new JobFilter(type, group, null);
  }

  public Page<RunResponse> runs(String id, String cursor, Integer limit) {
    return runs(id, RunOrder.OLDEST, cursor, limit);
  }

  /**
   * A job's attempts in keyset pages, oldest or newest first. Each order has its own cursor kind,
   * so a cursor of one order given with the other is refused (400 naming {@code cursor}).
   */
  public Page<RunResponse> runs(String id, RunOrder order, String cursor, Integer limit) {
    int size = Paging.checkLimit(limit);
    Long position =
        cursor == null ? null : parseRunId(Paging.decodeCursor(order.cursorKind, cursor));
    if (jobs.find(id).isEmpty()) {
      throw new UnknownJobException(id);
    }
    var page =
        order == RunOrder.NEWEST
            ? runs.runsOfNewestFirst(id, position == null ? Long.MAX_VALUE : position, size + 1)
            : runs.runsOf(id, position == null ? 0 : position, size + 1);
    List<RunResponse> items = new ArrayList<>();
    for (int i = 0; i < Math.min(size, page.size()); i++) {
      items.add(RunResponse.of(page.get(i)));
    }
    String next =
        page.size() > size
            ? Paging.encodeCursor(order.cursorKind, String.valueOf(page.get(size - 1).id()))
            : null;
    return new Page<>(items, next);
  }

  /** In which order a job's attempts are listed. */
  public enum RunOrder {
    OLDEST("run:"),
    NEWEST("run-newest:");

    private final String cursorKind;

    RunOrder(String cursorKind) {
      this.cursorKind = cursorKind;
    }

    /** {@code oldest} (the default, as before) or {@code newest}; 400 naming {@code order}. */
    public static RunOrder of(String text) {
      if (text == null || text.isBlank()) {
        return OLDEST;
      }
      return switch (text.strip().toLowerCase(java.util.Locale.ROOT)) {
        case "oldest" -> OLDEST;
        case "newest" -> NEWEST;
        default -> throw new InvalidJobException("order", "must be oldest or newest");
      };
    }
  }

  private JobResponse withLastRun(Job job) {
    return response(job, runs.lastRunOf(job.id()).orElse(null));
  }

  /**
   * Every response shows secret payload values (webhook headers) as "***", never sealed or plain.
   */
  JobResponse response(Job job, JobRun lastRun) {
    return JobResponse.of(
        job, secrets.mask(job.type(), job.payload()), lastRun, waitingFor(job).orElse(null));
  }

  /** What holds a scheduled job back: nobody alive to run its type, or a full flow limit. */
  private Optional<String> waitingFor(Job job) {
    if (job.state() != JobState.SCHEDULED) {
      return Optional.empty();
    }
    if (!publishedTypes.recentlyServedTypes().contains(job.type())) {
      return Optional.of("no live worker serves type " + job.type());
    }
    return limits.waitingFor(job.type(), job.id());
  }

  private static long parseRunId(String text) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new InvalidJobException("cursor", "is not a cursor returned by this endpoint");
    }
  }
}
