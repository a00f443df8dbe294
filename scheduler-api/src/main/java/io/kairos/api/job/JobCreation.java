package io.kairos.api.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.kagkarlsson.scheduler.Clock;
import io.kairos.api.audit.AuditAction;
import io.kairos.api.audit.AuditTrail;
import io.kairos.api.problem.ApiProblem;
import io.kairos.api.problem.Problems;
import io.kairos.api.security.ApiPrincipal;
import io.kairos.catalogue.CredentialNotAllowed;
import io.kairos.catalogue.PayloadSecrets;
import io.kairos.catalogue.SecretsNeedAKey;
import io.kairos.control.ControlStore;
import io.kairos.control.JobRequests;
import io.kairos.control.JobSubmitter;
import io.kairos.control.OperatorJobs;
import io.kairos.job.InvalidJobException;
import io.kairos.job.JobConflict;
import io.kairos.job.JobEvent;
import io.kairos.job.JobRequest;
import io.kairos.job.JobRun;
import io.kairos.job.MisfirePolicy;
import io.kairos.job.NewJob;
import io.kairos.job.NotifyTarget;
import io.kairos.job.ScheduleSpec;
import io.kairos.jobtype.oauth.OAuthTokenRefreshPayload;
import io.kairos.registry.JobStore;
import io.kairos.registry.RunHistoryStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionOperations;
import org.springframework.util.unit.DataSize;

/**
 * Creates jobs for the API: one, a batch, or a whole replacement at an id. Everything a request can
 * get wrong is checked here or by core's one translation ({@link JobRequests}), naming the field,
 * before anything is written; then the key's quotas, then one core call.
 */
@Service
public class JobCreation {

  private final JobRequests requests;
  private final JobSubmitter submitter;
  private final JobService views;
  private final ControlStore control;
  private final JobStore jobs;
  private final RunHistoryStore runs;
  private final Clock clock;
  private final ObjectMapper json;
  private final MisfirePolicy misfire;
  private final Set<String> reservedPrefixes;
  private final Quotas quotas;
  private final PayloadSecrets secrets;
  private final long maxItemBytes;
  private final AuditTrail audit;
  private final TransactionOperations transactions;

  JobCreation(
      JobRequests requests,
      JobSubmitter submitter,
      JobService views,
      JobStore jobs,
      ControlStore control,
      RunHistoryStore runs,
      Clock clock,
      ObjectMapper json,
      MisfirePolicy misfire,
      PayloadSecrets secrets,
      AuditTrail audit,
      TransactionOperations transactions,
      @Value("${kairos.api.reserved-id-prefixes:}") List<String> reservedPrefixes,
      @Value("${kairos.api.max-body-size:256KB}") DataSize maxBodySize) {
    this.requests = requests;
    this.submitter = submitter;
    this.views = views;
    this.jobs = jobs;
    this.control = control;
    this.runs = runs;
    this.clock = clock;
    this.json = json;
    this.misfire = misfire;
    this.secrets = secrets;
    this.maxItemBytes = maxBodySize.toBytes();
    this.audit = audit;
    this.transactions = transactions;
    // Kairos's own ids are always reserved, whatever else the operators reserve.
    Set<String> reserved = new LinkedHashSet<>();
    reserved.add(OAuthTokenRefreshPayload.JOB_ID_PREFIX);
    for (String prefix : reservedPrefixes == null ? List.<String>of() : reservedPrefixes) {
      if (prefix != null && !prefix.isBlank()) {
        reserved.add(prefix.trim());
      }
    }
    this.reservedPrefixes = Set.copyOf(reserved);
    this.quotas = new Quotas(jobs, System::nanoTime);
  }

  /**
   * {@link #create}, and the audit entry of a job created, committed together: the create waits for
   * one commit (one flush of PostgreSQL's log to disk), not one for the job and one for its entry.
   * Should the entry fail, the job is not refused: the transaction rolls back whole, the job is
   * created again alone and the entry written after it, whose failure is logged ({@link
   * AuditTrail}). Workers are woken once the job committed. Every channel that creates one job (the
   * REST API, the dashboard's form) comes through here, so none creates a job the trail misses.
   */
  public JobSubmitter.Submission createRecorded(CreateJobRequest request, ApiPrincipal caller) {
    try {
      return transactions.execute(
          tx -> {
            JobSubmitter.Submission submission = create(request, caller);
            if (submission.created()) {
              audit.recordInTransaction(
                  AuditAction.JOB_CREATE,
                  submission.job().id(),
                  null,
                  JobSummary.of(submission.job()));
            }
            return submission;
          });
    } catch (AuditTrail.NotRecorded e) {
      JobSubmitter.Submission submission = create(request, caller);
      if (submission.created()) {
        audit.record(
            AuditAction.JOB_CREATE, submission.job().id(), null, JobSummary.of(submission.job()));
      }
      return submission;
    }
  }

  public JobSubmitter.Submission create(CreateJobRequest request, ApiPrincipal caller) {
    NewJob job = newJob(request, caller);
    // A replay (or a conflict) creates nothing, so it is not held to the creation limits; a key
    // without such limits need not ask which it is before the one statement that creates.
    if (Quotas.limitsCreation(caller) && !jobs.exists(job.id())) {
      quotas.checkCreation(caller, 1, payloadBytes(job));
    }
    return submitter.submit(job);
  }

  /** Most jobs one batch may hold. */
  static final int MAX_BATCH = 1000;

  /**
   * Creates a batch of jobs, each checked exactly as {@link #create} checks one. Items that fail
   * their checks are reported and not created; the others are created in one transaction. Refused
   * whole (nothing created): a list that is empty, longer than {@value #MAX_BATCH} or names an id
   * twice, and new jobs beyond the key's dynamic quotas, which are counted for the batch as a
   * whole.
   */
  BatchOutcome createAll(List<CreateJobRequest> requests, ApiPrincipal caller) {
    if (requests == null || requests.isEmpty() || requests.size() > MAX_BATCH) {
      throw new InvalidJobException(
          "jobs",
          "must hold 1 to "
              + MAX_BATCH
              + " jobs, not "
              + (requests == null ? 0 : requests.size())
              + "; split larger batches");
    }
    Map<String, Integer> firstIndexOfId = new java.util.HashMap<>();
    for (int i = 0; i < requests.size(); i++) {
      CreateJobRequest request = requests.get(i);
      String id = request == null ? null : request.id();
      Integer first = id == null ? null : firstIndexOfId.putIfAbsent(id, i);
      if (first != null) {
        // Which of the two would be meant is a guess, and one of them would be a conflict with
        // the other: the client has to say.
        throw new InvalidJobException(
            "jobs[" + i + "].id", "'" + id + "' is also the id of jobs[" + first + "]");
      }
    }
    Map<Integer, RuntimeException> refused = new java.util.TreeMap<>();
    List<NewJob> valid = new ArrayList<>();
    List<Integer> validIndexes = new ArrayList<>();
    for (int i = 0; i < requests.size(); i++) {
      try {
        if (requests.get(i) == null) {
          throw new InvalidJobException("", "must be a job, not null");
        }
        refuseLargerThanOneRequest(requests.get(i));
        NewJob job = newJob(requests.get(i), caller);
        // Sealing is the submitter's, but a payload it cannot seal is this item's problem.
        secrets.requireSealable(job.type(), job.payload());
        valid.add(job);
        validIndexes.add(i);
      } catch (InvalidJobException | ApiProblem | SecretsNeedAKey | CredentialNotAllowed e) {
        refused.put(i, e);
      }
    }
    Set<String> taken = jobs.existing(valid.stream().map(NewJob::id).toList());
    long newJobs = 0;
    long newPayloadBytes = 0;
    for (NewJob job : valid) {
      if (!taken.contains(job.id())) {
        newJobs++;
        newPayloadBytes += payloadBytes(job);
      }
    }
    if (newJobs > 0) {
      quotas.checkCreation(caller, newJobs, newPayloadBytes);
    }
    List<JobSubmitter.Submitted> submitted =
        valid.isEmpty() ? List.of() : submitter.submitAll(valid);
    return new BatchOutcome(requests.size(), validIndexes, submitted, refused);
  }

  /**
   * What {@link #createAll} did: the submitter's outcome of each valid item and the exception that
   * refused each other one, by index in the request.
   */
  record BatchOutcome(
      int size,
      List<Integer> submittedIndexes,
      List<JobSubmitter.Submitted> submitted,
      Map<Integer, RuntimeException> refused) {}

  /**
   * The response to a batch: each item's job (with its last run, read for all at once) or its
   * problem, in request order.
   */
  BatchResponse response(BatchOutcome outcome, List<CreateJobRequest> requests) {
    List<String> ids =
        outcome.submitted().stream()
            .filter(s -> s.job() != null)
            .map(JobSubmitter.Submitted::id)
            .toList();
    Map<String, JobRun> lastRuns =
        ids.isEmpty()
            ? Map.of()
            : runs.lastRunsOf(ids).stream()
                .collect(Collectors.toMap(JobRun::jobId, Function.identity()));
    BatchItemResponse[] items = new BatchItemResponse[outcome.size()];
    int[] counts = new int[BatchItemResponse.Status.values().length];
    for (int k = 0; k < outcome.submitted().size(); k++) {
      int index = outcome.submittedIndexes().get(k);
      JobSubmitter.Submitted submitted = outcome.submitted().get(k);
      BatchItemResponse.Status status =
          switch (submitted.result()) {
            case CREATED -> BatchItemResponse.Status.CREATED;
            case REPLAYED -> BatchItemResponse.Status.REPLAYED;
            case CONFLICT -> BatchItemResponse.Status.CONFLICT;
          };
      items[index] =
          new BatchItemResponse(
              index,
              submitted.id(),
              status,
              submitted.job() == null
                  ? null
                  : views.response(submitted.job(), lastRuns.get(submitted.id())),
              submitted.job() == null
                  ? Problems.ofItem(new JobConflict(submitted.id()), "jobs[" + index + "]")
                  : null);
      counts[status.ordinal()]++;
    }
    outcome
        .refused()
        .forEach(
            (index, e) -> {
              CreateJobRequest request = requests.get(index);
              items[index] =
                  new BatchItemResponse(
                      index,
                      request == null ? null : request.id(),
                      BatchItemResponse.Status.INVALID,
                      null,
                      Problems.ofItem(e, "jobs[" + index + "]"));
              counts[BatchItemResponse.Status.INVALID.ordinal()]++;
            });
    return new BatchResponse(
        counts[BatchItemResponse.Status.CREATED.ordinal()],
        counts[BatchItemResponse.Status.REPLAYED.ordinal()],
        counts[BatchItemResponse.Status.INVALID.ordinal()],
        counts[BatchItemResponse.Status.CONFLICT.ordinal()],
        List.of(items));
  }

  /** An item must fit the body of a request of its own, so a batch is no way around that limit. */
  private void refuseLargerThanOneRequest(CreateJobRequest request) {
    long bytes;
    try {
      bytes = json.writeValueAsBytes(request).length;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    if (bytes > maxItemBytes) {
      throw new InvalidJobException(
          "",
          "is larger than "
              + maxItemBytes
              + " bytes, the most one job's request may have (kairos.api.max-body-size)");
    }
  }

  private static long payloadBytes(NewJob job) {
    return job.payload().toString().getBytes(StandardCharsets.UTF_8).length;
  }

  /**
   * Creates or replaces the job at {@code id} with the body's definition; validated and hashed as a
   * POST of the same body with this id, so the same PUT twice (or a PUT after the POST of the same
   * definition) changes nothing.
   */
  JobSubmitter.Replacement replace(String id, ReplaceJobRequest request, ApiPrincipal caller) {
    if (id == null || !NewJob.ID.matcher(id).matches()) {
      throw new InvalidJobException("id", "must match [A-Za-z0-9._:-]{1,200}");
    }
    OperatorJobs.refuseUnlessAllowed(control, id, caller.admin(), "replace");
    NewJob job = newJob(request.withId(id), caller);
    if (!jobs.exists(job.id())) {
      quotas.checkCreation(caller, 1, payloadBytes(job));
    }
    return submitter.replace(job);
  }

  /**
   * The body read into a {@link JobRequest}, with the API's defaults, and translated by core's one
   * translation, hashed as the body was written. The API adds what is its own: generated ids, ids
   * reserved to operators, refusing an {@code at} already beyond its misfire grace, the key's
   * static quotas.
   */
  private NewJob newJob(CreateJobRequest request, ApiPrincipal caller) {
    refuseReservedId(request.id(), caller);
    Instant now = clock.now();
    JobRequest asked =
        new JobRequest(
            request.id() == null ? UUID.randomUUID().toString() : request.id(),
            request.type(),
            request.payload(),
            request.schedule() == null ? null : request.schedule().toSpec(),
            request.group(),
            request.maxAttempts() == null ? JobRequest.DEFAULT_MAX_ATTEMPTS : request.maxAttempts(),
            request.priority() == null ? 0 : request.priority(),
            duration("timeout", request.timeout()),
            MisfirePolicy.parse("misfireGrace", request.misfireGrace()),
            request.concurrencyKey());
    NewJob job =
        requests.toNewJob(
            asked, notifyTargets(request.notifyTargets()), request, caller.name(), caller.admin());
    // A body copied from a read has its secrets masked; a new or whole definition has nothing to
    // keep, so the mask would be stored as the secret.
    secrets.refuseMasked(job.type(), job.payload());
    refuseMissed(misfire, job.schedule(), now, job.misfireGrace());
    Quotas.checkStatic(caller, job.schedule(), job.priority(), job.timeout(), now);
    return job;
  }

  /** The targets as the body names them; {@link JobRequests} checks them as their jobs would be. */
  private static List<NotifyTarget> notifyTargets(List<NotifyRequest> requested) {
    if (requested == null) {
      return List.of();
    }
    if (requested.size() > NewJob.MAX_NOTIFY_TARGETS) {
      throw new InvalidJobException(
          "notify", "names more than " + NewJob.MAX_NOTIFY_TARGETS + " targets");
    }
    List<NotifyTarget> targets = new ArrayList<>();
    for (int i = 0; i < requested.size(); i++) {
      String field = "notify[" + i + "]";
      NotifyRequest target = requested.get(i);
      if (target == null) {
        throw new InvalidJobException(field, "must be an object with 'webhook' or 'email'");
      }
      Set<JobEvent> events = EnumSet.noneOf(JobEvent.class);
      if (target.events() != null) {
        for (int j = 0; j < target.events().size(); j++) {
          events.add(NotifyTarget.event(field + ".events[" + j + "]", target.events().get(j)));
        }
      }
      try {
        targets.add(new NotifyTarget(target.webhook(), target.email(), events));
      } catch (InvalidJobException e) {
        throw new InvalidJobException(field + "." + e.field(), e.reason());
      }
    }
    return targets;
  }

  /**
   * Ids under a reserved prefix belong to the operators (declared jobs) and to Kairos (system
   * jobs): a client taking one first would make the declaration clash or the credential's creation
   * fail.
   */
  private void refuseReservedId(String id, ApiPrincipal caller) {
    if (id == null || caller.admin()) {
      return;
    }
    for (String prefix : reservedPrefixes) {
      if (JobRequests.startsWithIgnoringCase(id, prefix)) {
        throw new ApiProblem(
            HttpStatus.FORBIDDEN,
            "Forbidden",
            "ids starting with '"
                + prefix
                + "' are reserved for jobs of the operators and of Kairos; only an admin key may"
                + " use them",
            "id");
      }
    }
  }

  /**
   * A one-time job whose time passed longer ago than its misfire grace would be missed at once. The
   * grace is the one a worker would apply: the job's own, else the cluster's default.
   */
  static void refuseMissed(
      MisfirePolicy misfire, ScheduleSpec schedule, Instant now, Duration jobGrace) {
    Duration grace = misfire.graceOf(jobGrace);
    if (MisfirePolicy.isNone(grace)) {
      return;
    }
    if (schedule.at() != null && schedule.at().isBefore(now.minus(grace))) {
      throw new InvalidJobException(
          "schedule.at",
          "is "
              + Duration.between(schedule.at(), now).withNanos(0)
              + " in the past, more than the misfire grace of "
              + grace
              + (jobGrace == null ? " (the cluster's default)" : "")
              + "; give a later time or a larger misfireGrace (\"none\": no limit)");
    }
  }

  private static Duration duration(String field, String text) {
    if (text == null) {
      return null;
    }
    try {
      return Duration.parse(text);
    } catch (DateTimeParseException e) {
      throw new InvalidJobException(field, "must be an ISO-8601 duration such as PT30S");
    }
  }
}
