package io.kairos.jobtype;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.catalogue.JobCatalogue;
import io.kairos.job.JobType;
import io.kairos.jobtype.email.EmailPayload;
import io.kairos.jobtype.email.SenderDomainCheck;
import io.kairos.jobtype.log.LogPayload;
import io.kairos.jobtype.noop.NoopPayload;
import io.kairos.jobtype.oauth.OAuthTokenRefreshPayload;
import io.kairos.jobtype.retention.RetentionPayload;
import io.kairos.jobtype.webhook.WebhookPayload;
import io.kairos.jobtype.webhook.WebhookTargetCheck;
import io.kairos.outbound.OutboundPolicy;
import io.kairos.outbound.Resolver;
import io.kairos.outbound.SenderDomains;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * What each built-in job type is: its persisted name and payload record, and the checks its
 * payloads get at creation. What the types do (their handlers) is wired by the worker, so the API
 * can know every type without being able to run one.
 *
 * <p>The built-in types are registered as an application's own are: a {@link JobType} in the
 * catalogue, and on a worker a handler turned into a task ({@code JobTasks.task}) inside tier 1.
 * The core knows none of them.
 *
 * <p>To add one: a package {@code io.kairos.jobtype.<name>} here with its payload record (checks
 * that need no configuration in its constructor, {@code InvalidJobException} naming the field) and
 * its {@code JobHandler} (faults classified as {@code TransientJobFailure} or {@code
 * PermanentJobFailure}); a constant here, listed in {@link #all()} (anyone may create it) or {@link
 * #operatorOnly()}, and its configured check in {@link #catalogue(Collection, Collection,
 * ObjectMapper, OutboundPolicy, SenderDomains, Predicate)} if it has one; on the worker side, one
 * {@code BuiltInHandler} bean in the starter's {@code JobTypesConfiguration}, its settings a {@code
 * kairos.<name>} properties record in scheduler-spring when it has any. The API, the dashboard and
 * {@code kairos.worker.built-in-types} then know it.
 */
public final class BuiltInJobTypes {

  private BuiltInJobTypes() {}

  public static final JobType<NoopPayload> NOOP =
      new JobType<>(
          "noop", NoopPayload.class, "Does nothing, optionally for a while (simulated work).");

  public static final JobType<LogPayload> LOG =
      new JobType<>("log", LogPayload.class, "Writes one line to the worker's log.");

  public static final JobType<EmailPayload> EMAIL =
      new JobType<>("email", EmailPayload.class, "Sends one e-mail over SMTP.");

  public static final JobType<WebhookPayload> WEBHOOK =
      new JobType<>(
          "webhook",
          WebhookPayload.class,
          "Sends one HTTP request, signed as Standard Webhooks says, with an Idempotency-Key.",
          // Headers are how a webhook authenticates (Authorization, API keys): every value is
          // secret.
          List.of("headers.*"));

  public static final JobType<OAuthTokenRefreshPayload> OAUTH_TOKEN_REFRESH =
      new JobType<>(
          "oauth-token-refresh",
          OAuthTokenRefreshPayload.class,
          "Refreshes a stored OAuth2 credential ahead of its expiry (refresh_token or"
              + " client_credentials grant).");

  public static final JobType<RetentionPayload> RETENTION =
      new JobType<>(
          "retention",
          RetentionPayload.class,
          "Deletes rows older than a cut-off from a configured table, in batches (operators only).");

  /**
   * Types anyone with {@code jobs:write} may create through the API. Build a catalogue of them with
   * {@link #catalogue}, which adds the deployment's webhook target check.
   */
  public static List<JobType<?>> all() {
    return List.of(NOOP, LOG, EMAIL, WEBHOOK, OAUTH_TOKEN_REFRESH);
  }

  /** Types only operators declare, in the workers' configuration ({@code kairos.jobs}). */
  public static List<JobType<?>> operatorOnly() {
    return List.of(RETENTION);
  }

  /** Everything a stock worker can run. */
  public static List<JobType<?>> runnable() {
    List<JobType<?>> types = new ArrayList<>(all());
    types.addAll(operatorOnly());
    return List.copyOf(types);
  }

  /** The names of every built-in type: an application's own type may not take one. */
  public static Set<String> names() {
    return runnable().stream().map(JobType::name).collect(Collectors.toUnmodifiableSet());
  }

  /**
   * The built-in types anyone may create, with webhook targets checked against {@code
   * webhookTargets} and e-mail senders against {@code senders} at creation. Worker and API build
   * theirs here, so the API refuses exactly what a worker would.
   */
  public static JobCatalogue catalogue(
      Collection<JobType<?>> types,
      ObjectMapper json,
      OutboundPolicy webhookTargets,
      SenderDomains senders) {
    return catalogue(types, json, webhookTargets, senders, id -> true);
  }

  /**
   * As {@link #catalogue(Collection, ObjectMapper, OutboundPolicy, SenderDomains)}, and a webhook
   * naming an OAuth credential ({@code auth.oauthCredential}) must name one for which {@code
   * credentialExists} holds.
   */
  public static JobCatalogue catalogue(
      Collection<JobType<?>> types,
      ObjectMapper json,
      OutboundPolicy webhookTargets,
      SenderDomains senders,
      Predicate<String> credentialExists) {
    return catalogue(types, List.of(), json, webhookTargets, senders, credentialExists);
  }

  /**
   * As {@link #catalogue(Collection, ObjectMapper, OutboundPolicy, SenderDomains, Predicate)},
   * offering {@code types} and also knowing {@code alsoKnown} ({@link JobCatalogue#alsoKnowing}),
   * checked alike.
   */
  public static JobCatalogue catalogue(
      Collection<JobType<?>> types,
      Collection<JobType<?>> alsoKnown,
      ObjectMapper json,
      OutboundPolicy webhookTargets,
      SenderDomains senders,
      Predicate<String> credentialExists) {
    return new JobCatalogue(types, json)
        .alsoKnowing(alsoKnown)
        .withCheck(
            WEBHOOK, new WebhookTargetCheck(webhookTargets, Resolver.SYSTEM, credentialExists))
        .withCheck(EMAIL, new SenderDomainCheck(senders));
  }
}
