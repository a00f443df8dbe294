package io.kairos.api.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kairos.history.JobRunStore;
import io.kairos.job.InvalidJobException;
import io.kairos.job.JobCatalogue;
import io.kairos.job.JobStore;
import io.kairos.job.JobSubmitter;
import io.kairos.job.JobType;
import io.kairos.job.NewJob;
import io.kairos.schedule.ScheduleSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Service;

/** Turns API requests into core calls; validation failures name the offending field. */
@Service
class JobService {

  static final int DEFAULT_MAX_ATTEMPTS = 3;
  static final int MAX_PAGE = 500;

  private final JobCatalogue catalogue;
  private final JobSubmitter submitter;
  private final JobStore jobs;
  private final JobRunStore runs;
  private final ObjectMapper json;

  JobService(
      JobCatalogue catalogue,
      JobSubmitter submitter,
      JobStore jobs,
      JobRunStore runs,
      ObjectMapper json) {
    this.catalogue = catalogue;
    this.submitter = submitter;
    this.jobs = jobs;
    this.runs = runs;
    this.json = json;
  }

  JobSubmitter.Submission create(CreateJobRequest request, String caller) {
    JobType<?> type = catalogue.require(request.type());
    JsonNode payload =
        request.payload() == null || request.payload().isNull()
            ? json.createObjectNode()
            : request.payload();
    catalogue.bind(type, payload);
    ScheduleSpec schedule =
        request.schedule() == null
            ? ScheduleSpec.at(java.time.Instant.now())
            : request.schedule().toSpec();
    String id = request.id() == null ? UUID.randomUUID().toString() : request.id();
    int maxAttempts = request.maxAttempts() == null ? DEFAULT_MAX_ATTEMPTS : request.maxAttempts();
    int priority = request.priority() == null ? 0 : request.priority();
    if (priority < -1000 || priority > 1000) {
      throw new InvalidJobException("priority", "must be between -1000 and 1000");
    }
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
            caller);
    return submitter.submit(job);
  }

  JobResponse get(String id) {
    var job = jobs.find(id).orElseThrow(() -> new NoSuchJob(id));
    return JobResponse.of(job, runs.lastRunOf(id).orElse(null));
  }

  Page<RunResponse> runs(String id, String cursor, int limit) {
    checkLimit(limit);
    if (jobs.find(id).isEmpty()) {
      throw new NoSuchJob(id);
    }
    long after = cursor == null ? 0 : decodeCursor(cursor);
    var page = runs.runsOf(id, after, limit + 1);
    List<RunResponse> items = new ArrayList<>();
    for (int i = 0; i < Math.min(limit, page.size()); i++) {
      items.add(RunResponse.of(page.get(i)));
    }
    String next = page.size() > limit ? encodeCursor(page.get(limit - 1).id()) : null;
    return new Page<>(items, next);
  }

  static void checkLimit(int limit) {
    if (limit < 1 || limit > MAX_PAGE) {
      throw new InvalidJobException("limit", "must be between 1 and " + MAX_PAGE);
    }
  }

  static String encodeCursor(long id) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(("run:" + id).getBytes(StandardCharsets.UTF_8));
  }

  static long decodeCursor(String cursor) {
    try {
      String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (!text.startsWith("run:")) {
        throw new IllegalArgumentException();
      }
      return Long.parseLong(text.substring(4));
    } catch (IllegalArgumentException e) {
      throw new InvalidJobException("cursor", "is not a cursor returned by this endpoint");
    }
  }

  /**
   * The request as given (ids generated or defaults filled in are not part of it), with object keys
   * sorted, hashed: a client retry of the same request matches however it orders its JSON.
   */
  private String hash(CreateJobRequest request, String id) {
    ObjectNode tree = json.valueToTree(request);
    tree.put("id", id);
    try {
      byte[] canonical = json.writeValueAsBytes(sorted(tree));
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
    } catch (NoSuchAlgorithmException | com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private JsonNode sorted(JsonNode node) {
    if (node.isObject()) {
      ObjectNode out = json.createObjectNode();
      List<String> names = new ArrayList<>();
      node.fieldNames().forEachRemaining(names::add);
      names.stream().sorted().forEach(n -> out.set(n, sorted(node.get(n))));
      return out;
    }
    if (node.isArray()) {
      var out = json.createArrayNode();
      node.forEach(e -> out.add(sorted(e)));
      return out;
    }
    return node;
  }
}
