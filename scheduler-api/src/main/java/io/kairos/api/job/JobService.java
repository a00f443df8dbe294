package io.kairos.api.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.kagkarlsson.scheduler.Clock;
import io.kairos.api.problem.ApiProblem;
import io.kairos.api.problem.InputText;
import io.kairos.api.problem.Problems;
import io.kairos.api.security.ApiPrincipal;
import io.kairos.catalogue.CredentialNotAllowed;
import io.kairos.catalogue.JobCatalogue;
import io.kairos.catalogue.PayloadSecrets;
import io.kairos.catalogue.PublishedTypes;
import io.kairos.catalogue.SecretsNeedAKey;
import io.kairos.control.JobControl;
import io.kairos.control.JobSubmitter;
import io.kairos.control.OperatorJobs;
import io.kairos.job.InvalidJobException;
import io.kairos.job.Job;
import io.kairos.job.JobConflict;
import io.kairos.job.JobEvent;
import io.kairos.job.JobFilter;
import io.kairos.job.JobRun;
import io.kairos.job.JobState;
import io.kairos.job.JobType;
import io.kairos.job.MisfirePolicy;
import io.kairos.job.NewJob;
import io.kairos.job.NotifyTarget;
import io.kairos.job.OperatorJobException;
import io.kairos.job.ScheduleSpec;
import io.kairos.job.UnknownJobException;
import io.kairos.jobtype.oauth.OAuthTokenRefreshPayload;
import io.kairos.notification.Notifications;
import io.kairos.registry.JobRegistry;
import io.kairos.registry.RunHistory;
import io.kairos.serialization.RequestHash;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.util.unit.DataSize;

/**
 * Turns API requests into core calls. Everything a request can get wrong is checked here, naming
 * the field, before anything is written.
 */
@Service
public class JobService {

  static final int DEFAULT_MAX_ATTEMPTS = 3;
  static final int DEFAULT_PAGE = Paging.DEFAULT_PAGE;
  static final int MAX_PAGE = Paging.MAX_PAGE;

  private final JobCatalogue catalogue;
  private final JobSubmitter submitter;
  private final JobControl control;
  private final JobRegistry jobs;
  private final RunHistory runs;
  private final Clock clock;
  private final ObjectMapper json;
  private final MisfirePolicy misfire;
  private final Set<String> reservedPrefixes;
  private final Quotas quotas;
  private final PayloadSecrets secrets;
  private final long maxItemBytes;

  private final PublishedTypes publishedTypes;

  JobService(
      JobCatalogue catalogue,
      JobSubmitter submitter,
      JobControl control,
      JobRegistry jobs,
      RunHistory runs,
      Clock clock,
      ObjectMapper json,
      MisfirePolicy misfire,
      PayloadSecrets secrets,
      PublishedTypes publishedTypes,
      @Value("${kairos.api.reserved-id-prefixes:}") List<String> reservedPrefixes,
      @Value("${kairos.api.max-body-size:256KB}") DataSize maxBodySize) {
    this.secrets = secrets;
    this.publishedTypes = publishedTypes;
    this.maxItemBytes = maxBodySize.toBytes();
    this.catalogue = catalogue;
    this.submitter = submitter;
    this.control = control;
    this.jobs = jobs;
    this.runs = runs;
    this.clock = clock;
    this.json = json;
    this.misfire = misfire;
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

  JobSubmitter.Submission create(CreateJobRequest request, ApiPrincipal caller) {
    NewJob job = newJob(request, caller);
    if (!jobs.exists(job.id())) {
      // A replay (or a conflict) creates nothing, so it is not held to the creation limits.
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
                  : response(submitted.job(), lastRuns.get(submitted.id())),
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
    OperatorJobs.refuseUnlessAllowed(jobs, id, caller.admin(), "replace");
    NewJob job = newJob(request.withId(id), caller);
    if (!jobs.exists(job.id())) {
      quotas.checkCreation(caller, 1, payloadBytes(job));
    }
    return submitter.replace(job);
  }

  private NewJob newJob(CreateJobRequest request, ApiPrincipal caller) {
    if (".".equals(request.id()) || "..".equals(request.id())) {
      // A path segment of its own: /api/v1/jobs/.. could never reach the job.
      throw new InvalidJobException("id", "must not be '.' or '..'");
    }
    refuseReservedId(request.id(), caller);
    if (request.id() != null && startsWithIgnoringCase(request.id(), NewJob.NOTIFICATION_PREFIX)) {
      throw new InvalidJobException(
          "id",
          "must not start with '" + NewJob.NOTIFICATION_PREFIX + "' (Kairos's notifications)");
    }
    JobType<?> type = catalogue.require(request.type());
    JsonNode payload =
        request.payload() == null || request.payload().isNull()
            ? json.createObjectNode()
            : request.payload();
    InputText.checkPayload("payload", payload);
    catalogue.credentialUses().check(catalogue.bind(type, payload), caller.name(), caller.admin());
    Instant now = clock.now();
    ScheduleSpec schedule =
        request.schedule() == null ? ScheduleSpec.at(now) : request.schedule().toSpec();
    String id = request.id() == null ? UUID.randomUUID().toString() : request.id();
    int maxAttempts = request.maxAttempts() == null ? DEFAULT_MAX_ATTEMPTS : request.maxAttempts();
    int priority = request.priority() == null ? 0 : request.priority();
    Duration timeout = duration("timeout", request.timeout());
    Duration misfireGrace = MisfirePolicy.parse("misfireGrace", request.misfireGrace());
    List<NotifyTarget> notify = notifyTargets(request.notifyTargets());
    NewJob job =
        new NewJob(
            id,
            type.name(),
            request.group(),
            payload,
            schedule,
            maxAttempts,
            priority,
            hash(request, id),
            caller.name(),
            timeout,
            misfireGrace,
            notify);
    refuseMissed(schedule, now, job.misfireGrace());
    quotas.checkStatic(caller, schedule, priority, timeout, now);
    return job;
  }

  /** Each target checked as its job would be: a webhook URL by the outbound policy, an address. */
  private List<NotifyTarget> notifyTargets(List<NotifyRequest> requested) {
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
        NotifyTarget checked = new NotifyTarget(target.webhook(), target.email(), events);
        Notifications.check(catalogue, checked, json);
        targets.add(checked);
      } catch (InvalidJobException e) {
        throw new InvalidJobException(field + "." + e.field(), e.reason());
      }
    }
    return targets;
  }

  public JobResponse get(String id) {
    Job job = jobs.find(id).orElseThrow(() -> new UnknownJobException(id));
    return response(job, runs.lastRunOf(id).orElse(null));
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
    int size = checkLimit(limit);
    if (type != null) {
      catalogue.require(type);
    }
    if (idPrefix != null && !idPrefix.isEmpty() && !NewJob.ID.matcher(idPrefix).matches()) {
      throw new InvalidJobException("idPrefix", "must match [A-Za-z0-9._:-]{1,200}");
    }
    String after = cursor == null ? null : decodeCursor("job:", cursor);
    List<Job> page =
        jobs.list(new JobFilter(type, group, state, idPrefix, staleOnly), after, size + 1);
    List<Job> shown = page.subList(0, Math.min(size, page.size()));
    Map<String, JobRun> lastRuns =
        runs.lastRunsOf(shown.stream().map(Job::id).toList()).stream()
            .collect(Collectors.toMap(JobRun::jobId, Function.identity()));
    List<JobResponse> items =
        shown.stream().map(job -> response(job, lastRuns.get(job.id()))).toList();
    String next = page.size() > size ? encodeCursor("job:", shown.get(size - 1).id()) : null;
    return new Page<>(items, next);
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
      if (startsWithIgnoringCase(id, prefix)) {
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

  /** Reserved prefixes hold whatever the case: OAUTH-REFRESH:crm would look like Kairos's own. */
  private static boolean startsWithIgnoringCase(String id, String prefix) {
    return id.regionMatches(true, 0, prefix, 0, prefix.length());
  }

  public JobResponse change(String id, ChangeJobRequest request, ApiPrincipal caller) {
    if (request.schedule() == null && request.priority() == null && request.maxAttempts() == null) {
      throw new InvalidJobException(
          "schedule", "give at least one of 'schedule', 'priority' or 'maxAttempts'");
    }
    Job job = jobs.find(id).orElseThrow(() -> new UnknownJobException(id));
    if (job.source().operatorsOnly() && !caller.admin()) {
      // Say that the job is not the caller's before judging what it asked for.
      throw new OperatorJobException(id, job.source(), "change");
    }
    ScheduleSpec schedule = request.schedule() == null ? null : request.schedule().toSpec();
    if (schedule != null) {
      refuseMissed(schedule, clock.now(), job.misfireGrace());
    }
    quotas.checkStatic(caller, schedule, request.priority(), null, clock.now());
    JobControl.Change change =
        new JobControl.Change(schedule, request.priority(), request.maxAttempts());
    return withLastRun(control.change(id, change, asCaller(caller)));
  }

  public JobResponse runNow(String id, ApiPrincipal caller) {
    return withLastRun(control.runNow(id, asCaller(caller)));
  }

  public JobResponse pause(String id, ApiPrincipal caller) {
    return withLastRun(control.pause(id, asCaller(caller)));
  }

  public JobResponse resume(String id, ApiPrincipal caller) {
    return withLastRun(control.resume(id, asCaller(caller)));
  }

  public JobResponse cancel(String id, ApiPrincipal caller) {
    return withLastRun(control.cancel(id, asCaller(caller)));
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
    return new BulkResumeResponse(
        group, type, control.resumeAll(selection, caller).resumed().size());
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
    int size = checkLimit(limit);
    long after = cursor == null ? 0 : parseRunId(decodeCursor("run:", cursor));
    if (jobs.find(id).isEmpty()) {
      throw new UnknownJobException(id);
    }
    var page = runs.runsOf(id, after, size + 1);
    List<RunResponse> items = new ArrayList<>();
    for (int i = 0; i < Math.min(size, page.size()); i++) {
      items.add(RunResponse.of(page.get(i)));
    }
    String next =
        page.size() > size ? encodeCursor("run:", String.valueOf(page.get(size - 1).id())) : null;
    return new Page<>(items, next);
  }

  private JobResponse withLastRun(Job job) {
    return response(job, runs.lastRunOf(job.id()).orElse(null));
  }

  /**
   * Every response shows secret payload values (webhook headers) as "***", never sealed or plain.
   */
  private JobResponse response(Job job, JobRun lastRun) {
    return JobResponse.of(
        job, secrets.mask(job.type(), job.payload()), lastRun, waitingFor(job).orElse(null));
  }

  /** What holds a scheduled job back: nobody alive to run its type. */
  private Optional<String> waitingFor(Job job) {
    if (job.state() != JobState.SCHEDULED
        || publishedTypes.recentlyServedTypes().contains(job.type())) {
      return Optional.empty();
    }
    return Optional.of("no live worker serves type " + job.type());
  }

  /**
   * A one-time job whose time passed longer ago than its misfire grace would be missed at once. The
   * grace is the one a worker would apply: the job's own, else the cluster's default.
   */
  private void refuseMissed(ScheduleSpec schedule, Instant now, Duration jobGrace) {
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

  static int checkLimit(Integer limit) {
    return Paging.checkLimit(limit);
  }

  static String encodeCursor(String kind, String position) {
    return Paging.encodeCursor(kind, position);
  }

  static String decodeCursor(String kind, String cursor) {
    return Paging.decodeCursor(kind, cursor);
  }

  private static long parseRunId(String text) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new InvalidJobException("cursor", "is not a cursor returned by this endpoint");
    }
  }

  /**
   * The request as given (ids generated or defaults filled in are not part of it), with object keys
   * sorted and null fields left out, hashed: a client retry of the same request matches however it
   * orders its JSON, and a field added to the API later does not change old requests' hashes.
   */
  private String hash(CreateJobRequest request, String id) {
    ObjectNode tree = json.valueToTree(request);
    tree.put("id", id);
    return RequestHash.of(json, tree);
  }
}
