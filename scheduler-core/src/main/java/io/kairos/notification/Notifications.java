package io.kairos.notification;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.kagkarlsson.scheduler.Clock;
import io.kairos.catalogue.JobCatalogue;
import io.kairos.catalogue.PayloadSecrets;
import io.kairos.job.InvalidJobException;
import io.kairos.job.JobEvent;
import io.kairos.job.JobSource;
import io.kairos.job.NewJob;
import io.kairos.job.NotifyTarget;
import io.kairos.job.ScheduleSpec;
import io.kairos.registry.JobStore;
import io.kairos.registry.JobTables;
import io.kairos.serialization.Sha256;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sends notifications as Kairos's own jobs: for each target that wants the event, a one-time {@code
 * webhook} job (signed and sent under the same outbound policy as any webhook) or {@code email}
 * job, created through the job store's one creation path in the transaction that records the event.
 * So a notification is retried by both tiers, shows in history and is dead-lettered like any job,
 * and exists only if the event was recorded.
 *
 * <p>Storms are bounded: at most one notification per job and event within {@code min-interval}
 * (the mark in {@code kairos_notified}, written in the same transaction). Notification jobs ({@code
 * notify:…}) are never notified about, so a failing notification cannot beget more.
 */
public final class Notifications implements Notifier {

  private static final Logger LOG = LoggerFactory.getLogger(Notifications.class);

  /** The group of every notification job, to list or cancel them together. */
  public static final String GROUP = "kairos.notify";

  static final int PRIORITY = 100;
  static final int MAX_ERROR = 2000;
  private static final int MAX_JOB_ID_IN_ID = 140;

  /**
   * The built-in types notifications are sent as, known here by name and payload shape only: the
   * core does not know the types themselves (kairos-jobtypes does).
   */
  static final String WEBHOOK = "webhook";

  static final String EMAIL = "email";

  private final JobStore jobs;
  private final NotificationStore store;
  private final PayloadSecrets secrets;
  private final ObjectMapper json;
  private final Clock clock;
  private final TransactionTemplate savepoint;
  private final NotificationSettings settings;

  public Notifications(
      JobTables tables,
      JobStore jobs,
      PayloadSecrets secrets,
      ObjectMapper json,
      Clock clock,
      PlatformTransactionManager transactionManager,
      NotificationSettings settings) {
    this.jobs = jobs;
    this.store = new NotificationStore(tables);
    this.secrets = secrets;
    this.json = json;
    this.clock = clock;
    // A savepoint inside the event's transaction: a notification that fails to be written is
    // rolled back alone, and the event is recorded all the same.
    this.savepoint = new TransactionTemplate(transactionManager);
    this.savepoint.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
    this.settings = settings;
  }

  /**
   * Checks a target as the job types would check its job: a webhook URL against the outbound
   * policy, an e-mail address as an e-mail job's recipient.
   *
   * @throws InvalidJobException naming {@code webhook} or {@code email}
   */
  public static void check(JobCatalogue catalogue, NotifyTarget target, ObjectMapper json) {
    if (target.webhook() != null) {
      ObjectNode payload = json.createObjectNode().put("url", target.webhook());
      rethrowAs("webhook", () -> catalogue.bind(catalogue.require(WEBHOOK), payload));
    } else {
      ObjectNode payload = json.createObjectNode();
      payload.putArray("to").add(target.email());
      payload.put("subject", "check").put("text", "check");
      rethrowAs("email", () -> catalogue.bind(catalogue.require(EMAIL), payload));
    }
  }

  private static void rethrowAs(String field, Runnable check) {
    try {
      check.run();
    } catch (InvalidJobException e) {
      throw new InvalidJobException(field, e.reason());
    }
  }

  @Override
  public void notify(JobEvent event, String jobId, Integer attempt, String error) {
    if (jobId == null || jobId.startsWith(NewJob.NOTIFICATION_PREFIX)) {
      return; // a notification about a notification could loop
    }
    try {
      savepoint.executeWithoutResult(tx -> send(event, jobId, attempt, error));
    } catch (RuntimeException e) {
      LOG.warn("Could not arrange the {} notification of job {}: {}", event, jobId, e.toString());
    }
  }

  private void send(JobEvent event, String jobId, Integer attempt, String error) {
    NotificationStore.NotificationSubject subject = store.notificationSubject(jobId).orElse(null);
    if (subject == null) {
      return;
    }
    Map<String, NotifyTarget> targets = new LinkedHashMap<>();
    for (NotificationSettings.Rule rule : settings.rules()) {
      if (rule.matches(subject.type(), subject.group()) && rule.target().wants(event)) {
        targets.putIfAbsent(key(rule.target()), rule.target());
      }
    }
    for (NotifyTarget target : subject.notifyTargets()) {
      if (target.wants(event)) {
        targets.putIfAbsent(key(target), target);
      }
    }
    if (targets.isEmpty()) {
      return;
    }
    Instant at = clock.now();
    if (!store.markNotified(jobId, event, at, settings.minInterval())) {
      LOG.debug("Not notifying {} of job {} again within {}", event, jobId, settings.minInterval());
      return;
    }
    String shortError =
        error == null || error.length() <= MAX_ERROR ? error : error.substring(0, MAX_ERROR) + "…";
    for (NotifyTarget target : targets.values()) {
      NewJob job = notificationJob(event, subject, attempt, shortError, at, target);
      jobs.create(secrets.seal(job), JobSource.SYSTEM);
    }
    LOG.info("Notifying {} target(s) that job {} is {}", targets.size(), jobId, event);
  }

  private NewJob notificationJob(
      JobEvent event,
      NotificationStore.NotificationSubject subject,
      Integer attempt,
      String error,
      Instant at,
      NotifyTarget target) {
    JsonNode payload;
    String type;
    if (target.webhook() != null) {
      ObjectNode body = json.createObjectNode();
      body.put("event", event.name());
      body.put("jobId", subject.id());
      body.put("type", subject.type());
      body.put("group", subject.group());
      if (attempt == null) {
        body.putNull("attempt");
      } else {
        body.put("attempt", attempt);
      }
      body.put("error", error);
      body.put("at", at.toString());
      payload = json.createObjectNode().put("url", target.webhook()).set("body", body);
      type = WEBHOOK;
    } else {
      ObjectNode email = json.createObjectNode();
      email.putArray("to").add(target.email());
      email.put("subject", "Kairos: job " + subject.id() + " " + describe(event));
      email.put("text", text(event, subject, attempt, error, at));
      payload = email;
      type = EMAIL;
    }
    String id =
        NewJob.NOTIFICATION_PREFIX
            + event.name().toLowerCase(Locale.ROOT)
            + ":"
            + (subject.id().length() <= MAX_JOB_ID_IN_ID
                ? subject.id()
                : "sha256-" + Sha256.hex(subject.id()).substring(0, 40))
            + ":"
            + at.toEpochMilli()
            + ":"
            + Sha256.hex(key(target)).substring(0, 8);
    return new NewJob(
        id,
        type,
        GROUP,
        payload,
        ScheduleSpec.at(at),
        settings.maxAttempts(),
        PRIORITY,
        Sha256.hex(payload.toString()),
        "kairos",
        null,
        NewJob.MAX_MISFIRE_GRACE);
  }

  private static String describe(JobEvent event) {
    return switch (event) {
      case FAILED -> "failed an attempt";
      case DEAD -> "is dead";
      case MISSED -> "was missed";
      case STALE -> "is stale";
      case RECOVERED -> "was recovered after its worker died";
    };
  }

  private static String text(
      JobEvent event,
      NotificationStore.NotificationSubject subject,
      Integer attempt,
      String error,
      Instant at) {
    StringBuilder text = new StringBuilder();
    text.append("Kairos job ")
        .append(subject.id())
        .append(' ')
        .append(describe(event))
        .append(" (")
        .append(event.name())
        .append(") at ")
        .append(at)
        .append(".\n\n");
    text.append("Type: ").append(subject.type()).append('\n');
    if (subject.group() != null) {
      text.append("Group: ").append(subject.group()).append('\n');
    }
    if (attempt != null) {
      text.append("Attempt: ").append(attempt).append('\n');
    }
    if (error != null) {
      text.append("Error: ").append(error).append('\n');
    }
    return text.toString();
  }

  private static String key(NotifyTarget target) {
    return target.webhook() != null ? "webhook " + target.webhook() : "email " + target.email();
  }

  /** The settings in force (for tests and start-up logs). */
  public NotificationSettings settings() {
    return settings;
  }
}
