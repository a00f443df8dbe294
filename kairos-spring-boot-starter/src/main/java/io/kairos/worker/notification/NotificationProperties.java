package io.kairos.worker.notification;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.catalogue.JobCatalogue;
import io.kairos.job.InvalidJobException;
import io.kairos.job.JobEvent;
import io.kairos.job.NewJob;
import io.kairos.job.NotifyTarget;
import io.kairos.notification.NotificationSettings;
import io.kairos.notification.Notifications;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code kairos.notifications}: who is told when jobs fail, die, are missed, go stale or are
 * recovered, besides the targets a job names itself. Checked at start-up ({@link #settings}), so a
 * bad entry stops the worker naming it.
 *
 * @param minInterval at most one notification per job and event within this
 * @param maxAttempts attempts of each notification job
 * @param targets told of every job's events
 * @param rules told of the events of one group's or one type's jobs
 */
@ConfigurationProperties("kairos.notifications")
public record NotificationProperties(
    @DefaultValue("15m") Duration minInterval,
    @DefaultValue("5") int maxAttempts,
    List<Target> targets,
    List<Rule> rules) {

  public NotificationProperties {
    targets = targets == null ? List.of() : List.copyOf(targets);
    rules = rules == null ? List.of() : List.copyOf(rules);
  }

  /** A webhook URL or an e-mail address, and the events it wants (default DEAD, MISSED, STALE). */
  public record Target(String webhook, String email, List<String> events) {}

  /** A target for the jobs of {@code group} and/or {@code type}. */
  public record Rule(
      String group, String type, String webhook, String email, List<String> events) {}

  /**
   * The checked settings: each URL as a webhook job's, each address as an e-mail job's, each group,
   * type and event named correctly.
   *
   * @param emailConfigured whether this worker can send e-mail ({@code kairos.email.host} and
   *     {@code kairos.email.from} set)
   * @throws IllegalStateException naming the property of the first bad entry
   */
  public NotificationSettings settings(
      JobCatalogue catalogue, ObjectMapper json, boolean emailConfigured) {
    if (minInterval.isNegative()) {
      throw invalid("kairos.notifications.min-interval", "must not be negative");
    }
    if (maxAttempts < 1 || maxAttempts > NewJob.MAX_ATTEMPTS_LIMIT) {
      throw invalid(
          "kairos.notifications.max-attempts",
          "must be between 1 and " + NewJob.MAX_ATTEMPTS_LIMIT);
    }
    List<NotificationSettings.Rule> all = new ArrayList<>();
    for (int i = 0; i < targets.size(); i++) {
      Target t = targets.get(i);
      String at = "kairos.notifications.targets[" + i + "]";
      all.add(
          NotificationSettings.Rule.everyJob(
              target(at, t.webhook(), t.email(), t.events(), catalogue, json, emailConfigured)));
    }
    for (int i = 0; i < rules.size(); i++) {
      Rule r = rules.get(i);
      String at = "kairos.notifications.rules[" + i + "]";
      if (blank(r.group()) && blank(r.type())) {
        throw invalid(at, "give a group or a type (targets for every job go in targets)");
      }
      if (!blank(r.group()) && !NewJob.ID.matcher(r.group()).matches()) {
        throw invalid(at + ".group", "must match [A-Za-z0-9._:-]{1,200}");
      }
      if (!blank(r.type())) {
        try {
          catalogue.require(r.type());
        } catch (InvalidJobException e) {
          throw invalid(at + ".type", e.reason());
        }
      }
      all.add(
          new NotificationSettings.Rule(
              blank(r.group()) ? null : r.group(),
              blank(r.type()) ? null : r.type(),
              target(at, r.webhook(), r.email(), r.events(), catalogue, json, emailConfigured)));
    }
    return new NotificationSettings(all, minInterval, maxAttempts);
  }

  private static NotifyTarget target(
      String at,
      String webhook,
      String email,
      List<String> events,
      JobCatalogue catalogue,
      ObjectMapper json,
      boolean emailConfigured) {
    Set<JobEvent> wanted = EnumSet.noneOf(JobEvent.class);
    if (events != null) {
      for (int j = 0; j < events.size(); j++) {
        try {
          wanted.add(NotifyTarget.event("events", events.get(j)));
        } catch (InvalidJobException e) {
          throw invalid(at + ".events[" + j + "]", e.reason());
        }
      }
    }
    NotifyTarget target;
    try {
      target =
          new NotifyTarget(blank(webhook) ? null : webhook, blank(email) ? null : email, wanted);
      Notifications.check(catalogue, target, json);
    } catch (InvalidJobException e) {
      throw invalid(at + "." + e.field(), e.reason());
    }
    if (target.email() != null && !emailConfigured) {
      throw invalid(
          at + ".email", "needs e-mail to be set up: kairos.email.host and kairos.email.from");
    }
    return target;
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }

  private static IllegalStateException invalid(String property, String reason) {
    return new IllegalStateException("Invalid " + property + ": " + reason);
  }
}
