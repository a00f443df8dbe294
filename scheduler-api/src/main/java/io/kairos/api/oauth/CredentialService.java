package io.kairos.api.oauth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.kagkarlsson.scheduler.Clock;
import io.kairos.api.job.Page;
import io.kairos.api.job.Paging;
import io.kairos.api.problem.ApiProblem;
import io.kairos.control.ControlStore;
import io.kairos.control.JobControl;
import io.kairos.control.JobSubmitter;
import io.kairos.deadjob.DeadJobStore;
import io.kairos.job.InvalidJobException;
import io.kairos.job.Job;
import io.kairos.job.JobSource;
import io.kairos.job.JobState;
import io.kairos.job.JobStateConflict;
import io.kairos.job.NewJob;
import io.kairos.job.ScheduleSpec;
import io.kairos.job.UnknownJobException;
import io.kairos.jobtype.BuiltInJobTypes;
import io.kairos.jobtype.oauth.ClientAuthentication;
import io.kairos.jobtype.oauth.CredentialBinding;
import io.kairos.jobtype.oauth.CredentialStore;
import io.kairos.jobtype.oauth.GrantType;
import io.kairos.jobtype.oauth.NewCredential;
import io.kairos.jobtype.oauth.OAuthCredential;
import io.kairos.jobtype.oauth.OAuthTokenRefreshPayload;
import io.kairos.registry.JobStore;
import io.kairos.serialization.KairosJson;
import io.kairos.wakeup.DueListener;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Credentials through the API. Creating one stores it (secrets sealed) and submits its refresh job
 * in one transaction, as a system job that only admin keys may change; deleting one cancels that
 * job if it is pending.
 */
@Service
class CredentialService {

  private static final String CURSOR = "credential:";

  private final CredentialStore store;
  private final JobSubmitter submitter;
  private final JobControl control;
  private final JobStore jobs;
  private final ControlStore controls;
  private final DeadJobStore deadJobs;
  private final TransactionTemplate transactions;
  private final Clock clock;
  private final DueListener dueListener;
  private final ObjectMapper json = KairosJson.newObjectMapper();

  /** Re-sealing pages through credentials this many at a time. */
  static final int RESEAL_BATCH = 100;

  /** As long as a secret may be when a credential is created. */
  static final int MAX_SECRET = 8192;

  CredentialService(
      CredentialStore store,
      JobSubmitter submitter,
      JobControl control,
      JobStore jobs,
      ControlStore controls,
      DeadJobStore deadJobs,
      PlatformTransactionManager transactionManager,
      Clock clock,
      DueListener dueListener) {
    this.store = store;
    this.submitter = submitter;
    this.control = control;
    this.jobs = jobs;
    this.controls = controls;
    this.deadJobs = deadJobs;
    this.transactions = new TransactionTemplate(transactionManager);
    this.clock = clock;
    this.dueListener = dueListener;
  }

  CredentialResponse create(CreateCredentialRequest request, String caller) {
    NewCredential credential =
        new NewCredential(
            request.id(),
            request.tokenEndpoint(),
            GrantType.of(request.grantType()),
            request.clientId(),
            request.clientSecret(),
            request.clientAuthentication() == null
                ? null
                : ClientAuthentication.of(request.clientAuthentication()),
            request.refreshToken(),
            request.scope(),
            caller,
            binding(request.allowedTargets(), request.allowedKeys()));
    store.checkEndpoint(credential);
    OAuthCredential created;
    try {
      created =
          transactions.execute(
              tx -> {
                OAuthCredential stored = store.create(credential);
                submitRefreshJob(stored.id(), caller);
                return stored;
              });
    } catch (IllegalStateException e) {
      if (String.valueOf(e.getMessage()).contains("KAIROS_ENCRYPTION_KEY")) {
        throw noKey();
      }
      throw e;
    }
    return CredentialResponse.of(created, OAuthTokenRefreshPayload.jobIdFor(created.id()));
  }

  /**
   * Binds a credential anew: where its token may be sent, and which keys besides admins may use it.
   * Jobs created before keep naming it; the worker checks each request against the new targets.
   */
  CredentialResponse rebind(String id, CredentialBindingRequest request) {
    if (request == null) {
      throw new InvalidJobException("allowedTargets", "is required");
    }
    return store
        .rebind(id, binding(request.allowedTargets(), request.allowedKeys()))
        .map(c -> CredentialResponse.of(c, OAuthTokenRefreshPayload.jobIdFor(c.id())))
        .orElseThrow(() -> unknown(id));
  }

  /**
   * A binding given through the API: at least one target, always (a credential's token must say
   * where it may go).
   */
  private static CredentialBinding binding(List<String> targets, List<String> keys) {
    if (targets == null || targets.isEmpty()) {
      throw new InvalidJobException(
          "allowedTargets",
          "is required: the URL prefixes (such as https://api.crm.example) its access token may be"
              + " sent to");
    }
    return new CredentialBinding(targets, keys);
  }

  private static ApiProblem noKey() {
    return new ApiProblem(
        HttpStatus.SERVICE_UNAVAILABLE,
        "No encryption key",
        "OAuth credentials are stored encrypted, and this API has no key: set"
            + " KAIROS_ENCRYPTION_KEY (kairos.encryption.key, base64 of 32 random bytes) on the"
            + " API and every worker",
        null);
  }

  /**
   * Its refresh job, due now. A final job of that id left by an earlier credential of the same id
   * is removed first (its history stays); a pending one is kept: it refreshes this credential.
   */
  private void submitRefreshJob(String credentialId, String caller) {
    String jobId = OAuthTokenRefreshPayload.jobIdFor(credentialId);
    jobs.find(jobId).filter(job -> job.state().terminal()).ifPresent(job -> jobs.delete(jobId));
    submitter.submit(
        new NewJob(
            jobId,
            BuiltInJobTypes.OAUTH_TOKEN_REFRESH.name(),
            null,
            json.createObjectNode().put("credentialId", credentialId),
            ScheduleSpec.at(clock.now()),
            3,
            0,
            hash(jobId),
            caller,
            null,
            null),
        JobSource.SYSTEM);
  }

  /**
   * New secrets for a credential (typically one the token endpoint refused): sealed, the credential
   * ACTIVE again, and its refresh job brought back in the same transaction — requeued if dead,
   * resubmitted if it ended, run now if it waits; a running or paused one is left as it is (a run
   * under way reads the credential again).
   */
  CredentialResponse reauthorise(String id, ReauthoriseRequest request, String caller) {
    OAuthCredential existing = store.find(id).orElseThrow(() -> unknown(id));
    String refreshToken = secret("refreshToken", request.refreshToken());
    String clientSecret = secret("clientSecret", request.clientSecret());
    if (existing.grantType() == GrantType.REFRESH_TOKEN && refreshToken == null) {
      throw new InvalidJobException("refreshToken", "is required for the refresh_token grant");
    }
    if (existing.grantType() == GrantType.CLIENT_CREDENTIALS) {
      if (refreshToken != null) {
        throw new InvalidJobException("refreshToken", "has no use with client_credentials");
      }
      if (clientSecret == null) {
        throw new InvalidJobException(
            "clientSecret", "is required to reauthorise a client_credentials credential");
      }
    }
    if (clientSecret != null && existing.clientAuthentication() == ClientAuthentication.NONE) {
      throw new InvalidJobException("clientSecret", "is not sent with clientAuthentication 'none'");
    }
    OAuthCredential updated;
    try {
      updated =
          transactions.execute(
              tx -> {
                OAuthCredential stored =
                    store
                        .reauthorise(id, refreshToken, clientSecret)
                        .orElseThrow(() -> unknown(id));
                reviveRefreshJob(id, caller);
                return stored;
              });
    } catch (IllegalStateException e) {
      if (String.valueOf(e.getMessage()).contains("KAIROS_ENCRYPTION_KEY")) {
        throw noKey();
      }
      throw e;
    }
    dueListener.scheduled(clock.now());
    return CredentialResponse.of(updated, OAuthTokenRefreshPayload.jobIdFor(id));
  }

  private void reviveRefreshJob(String credentialId, String caller) {
    String jobId = OAuthTokenRefreshPayload.jobIdFor(credentialId);
    Job job = jobs.find(jobId).orElse(null);
    if (job == null || (job.state().terminal() && job.state() != JobState.DEAD)) {
      submitRefreshJob(credentialId, caller);
    } else if (job.state() == JobState.DEAD) {
      deadJobs.requeueDead(jobId);
    } else if (job.state() == JobState.SCHEDULED) {
      controls.runNow(job.type(), jobId, clock.now());
    }
  }

  private static String secret(String field, String value) {
    if (value == null) {
      return null;
    }
    if (value.isEmpty() || value.length() > MAX_SECRET) {
      throw new InvalidJobException(field, "must be 1 to " + MAX_SECRET + " characters");
    }
    return value;
  }

  /** Re-seals every credential's secrets under the current key and reports what is left. */
  ResealResponse reseal() {
    try {
      return ResealResponse.of(store.resealAll(RESEAL_BATCH));
    } catch (IllegalStateException e) {
      if (String.valueOf(e.getMessage()).contains("KAIROS_ENCRYPTION_KEY")) {
        throw noKey();
      }
      throw e;
    }
  }

  Page<CredentialResponse> list(String cursor, Integer limit) {
    int size = Paging.checkLimit(limit);
    String after = cursor == null ? null : Paging.decodeCursor(CURSOR, cursor);
    List<OAuthCredential> page = store.list(after, size + 1);
    List<OAuthCredential> shown = page.subList(0, Math.min(size, page.size()));
    String next = page.size() > size ? Paging.encodeCursor(CURSOR, shown.get(size - 1).id()) : null;
    return new Page<>(
        shown.stream()
            .map(c -> CredentialResponse.of(c, OAuthTokenRefreshPayload.jobIdFor(c.id())))
            .toList(),
        next);
  }

  CredentialResponse get(String id) {
    return store
        .find(id)
        .map(c -> CredentialResponse.of(c, OAuthTokenRefreshPayload.jobIdFor(c.id())))
        .orElseThrow(() -> unknown(id));
  }

  void delete(String id, String caller) {
    if (!store.delete(id)) {
      throw unknown(id);
    }
    try {
      // Credentials are an admin's: its key may end the system job that refreshed this one.
      control.cancel(OAuthTokenRefreshPayload.jobIdFor(id), JobControl.Caller.operator(caller));
    } catch (UnknownJobException | JobStateConflict e) {
      // no refresh job, or it is running or over: a run that finds no credential ends the job
    }
  }

  private static ApiProblem unknown(String id) {
    return ApiProblem.notFound("no credential with id '" + id + "'");
  }

  private static String hash(String jobId) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(("credential-refresh:" + jobId).getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
