package io.kairos.catalogue;

import io.kairos.job.JobType;
import io.kairos.jobtype.email.EmailPayload;
import io.kairos.jobtype.log.LogPayload;
import io.kairos.jobtype.noop.NoopPayload;
import io.kairos.jobtype.oauth.OAuthTokenRefreshPayload;
import io.kairos.jobtype.retention.RetentionPayload;
import io.kairos.jobtype.webhook.WebhookPayload;
import java.util.ArrayList;
import java.util.List;

/**
 * What each built-in job type is: its persisted name and payload record. What the types do (their
 * handlers) is wired by the worker, so the API can know every type without being able to run one.
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
   * {@link JobCatalogue#builtIn}, which adds the deployment's webhook target check.
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
}
