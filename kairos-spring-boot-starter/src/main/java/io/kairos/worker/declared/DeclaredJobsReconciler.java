package io.kairos.worker.declared;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kairos.catalogue.JobCatalogue;
import io.kairos.declared.JobDeclarations;
import io.kairos.job.InvalidJobException;
import io.kairos.job.InvalidScheduleException;
import io.kairos.job.JobRequest;
import io.kairos.job.JobType;
import io.kairos.job.NewJob;
import io.kairos.job.ScheduleSpec;
import io.kairos.jobtype.retention.RetentionHandler;
import io.kairos.jobtype.retention.RetentionPayload;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.DateTimeException;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;

/**
 * Checks every {@code kairos.jobs} entry and reconciles the cluster's declared jobs with them
 * before this worker starts claiming. Any bad entry stops start-up with {@code kairos.jobs[i] (id):
 * field reason}. A declared id held by a job that is not a declared one (created through the API,
 * or a system job) does not: that declaration is skipped with one warning, the others apply, and
 * the clash shows in this worker's health ({@code declaredJobClashes}) and on the job in the API.
 */
public final class DeclaredJobsReconciler implements InitializingBean {

  static final String CREATED_BY = "config";
  private static final Logger LOG = LoggerFactory.getLogger(DeclaredJobsReconciler.class);

  private final DeclaredJobsProperties properties;
  private final JobCatalogue catalogue;
  private final JobDeclarations declarations;
  private final RetentionHandler retention;
  private final ObjectMapper json;
  private volatile List<String> clashes = List.of();

  public DeclaredJobsReconciler(
      DeclaredJobsProperties properties,
      JobCatalogue catalogue,
      JobDeclarations declarations,
      RetentionHandler retention,
      ObjectMapper json) {
    this.properties = properties;
    this.catalogue = catalogue;
    this.declarations = declarations;
    this.retention = retention;
    this.json = json;
  }

  @Override
  public void afterPropertiesSet() {
    List<NewJob> declared = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    List<DeclaredJobsProperties.Entry> entries = properties.jobs();
    for (int i = 0; i < entries.size(); i++) {
      DeclaredJobsProperties.Entry entry = entries.get(i);
      try {
        NewJob declaration = check(entry);
        if (!ids.add(declaration.id())) {
          throw new InvalidJobException("id", "'" + entry.id() + "' is declared twice");
        }
        if (!Boolean.FALSE.equals(entry.enabled())) {
          declared.add(declaration);
        }
      } catch (InvalidJobException e) {
        throw new IllegalStateException(
            "Invalid declared job kairos.jobs["
                + i
                + "]"
                + (entry.id() == null ? "" : " (" + entry.id() + ")")
                + ": "
                + e.getMessage(),
            e);
      }
    }
    JobDeclarations.Outcome outcome;
    try {
      outcome = declarations.reconcile(declared);
    } catch (InvalidJobException e) {
      throw new IllegalStateException("Invalid declared job: " + e.getMessage(), e);
    }
    clashes = List.copyOf(outcome.clashes());
    if (!clashes.isEmpty()) {
      LOG.warn(
          "Declared jobs {} were not applied: their ids are held by jobs that are not declared"
              + " ones (created through the API, or kept by Kairos). Cancel those jobs and"
              + " restart, or give the declarations other ids (declare under a prefix listed in"
              + " the API's kairos.api.reserved-id-prefixes, so clients cannot take them)",
          clashes);
    }
    LOG.info(
        "Declared jobs reconciled: {} declared, created {}, updated {}, removed {}{}",
        declared.size(),
        outcome.created(),
        outcome.updated(),
        outcome.removed(),
        outcome.deferred().isEmpty() ? "" : ", deferred (running now) " + outcome.deferred());
  }

  /** Declared ids this worker's start could not apply, because other jobs hold them. */
  public List<String> clashes() {
    return clashes;
  }

  private NewJob check(DeclaredJobsProperties.Entry entry) {
    if (entry.id() == null || !NewJob.ID.matcher(entry.id()).matches()) {
      throw new InvalidJobException("id", "must match [A-Za-z0-9._:-]{1,200}");
    }
    JobType<?> type = catalogue.require(entry.type());
    JsonNode payload =
        entry.payload() == null ? json.createObjectNode() : json.valueToTree(entry.payload());
    Object bound = catalogue.bind(type, payload);
    if (bound instanceof RetentionPayload target) {
      try {
        retention.checkTarget(target);
      } catch (InvalidJobException e) {
        throw new InvalidJobException("payload." + e.field(), e.reason());
      }
    }
    ScheduleSpec schedule = schedule(entry.schedule());
    int maxAttempts =
        entry.maxAttempts() == null ? JobRequest.DEFAULT_MAX_ATTEMPTS : entry.maxAttempts();
    int priority = entry.priority() == null ? 0 : entry.priority();
    if (entry.timeout() != null && (entry.timeout().isNegative() || entry.timeout().isZero())) {
      throw new InvalidJobException("timeout", "must be a positive duration");
    }
    ObjectNode definition = json.createObjectNode();
    definition.put("type", type.name());
    definition.set("payload", payload);
    definition.set("schedule", json.valueToTree(schedule));
    definition.put("maxAttempts", maxAttempts);
    definition.put("priority", priority);
    definition.put("timeout", entry.timeout() == null ? null : entry.timeout().toString());
    return new NewJob(
        entry.id(),
        type.name(),
        null,
        payload,
        schedule,
        maxAttempts,
        priority,
        hash(definition),
        CREATED_BY,
        entry.timeout(),
        null);
  }

  private static ScheduleSpec schedule(DeclaredJobsProperties.Schedule schedule) {
    if (schedule == null) {
      throw new InvalidScheduleException("schedule", "is required (cron, every or daily)");
    }
    ZoneId zone = null;
    if (schedule.timeZone() != null) {
      try {
        zone = ZoneId.of(schedule.timeZone());
      } catch (DateTimeException e) {
        throw new InvalidScheduleException(
            "schedule.timeZone", "'" + schedule.timeZone() + "' is not a known time zone");
      }
    }
    List<LocalTime> daily = null;
    if (schedule.daily() != null) {
      daily = new ArrayList<>();
      for (String time : schedule.daily()) {
        try {
          daily.add(LocalTime.parse(time));
        } catch (DateTimeParseException e) {
          throw new InvalidScheduleException(
              "schedule.daily", "'" + time + "' is not a time of day such as 03:00");
        }
      }
    }
    if (schedule.every() != null && zone != null) {
      throw new InvalidScheduleException("schedule.timeZone", "has no meaning with 'every'");
    }
    return new ScheduleSpec(null, schedule.cron(), zone, schedule.every(), daily);
  }

  private static String hash(JsonNode definition) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(definition.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
