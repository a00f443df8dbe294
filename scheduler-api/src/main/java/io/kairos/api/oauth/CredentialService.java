package io.kairos.api.oauth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.kagkarlsson.scheduler.Clock;
import io.kairos.api.job.Page;
import io.kairos.api.job.Paging;
import io.kairos.api.problem.ApiProblem;
import io.kairos.catalogue.BuiltInJobTypes;
import io.kairos.control.JobControl;
import io.kairos.control.JobSubmitter;
import io.kairos.job.JobSource;
import io.kairos.job.JobStateConflict;
import io.kairos.job.NewJob;
import io.kairos.job.ScheduleSpec;
import io.kairos.job.UnknownJobException;
import io.kairos.jobtype.oauth.ClientAuthentication;
import io.kairos.jobtype.oauth.CredentialStore;
import io.kairos.jobtype.oauth.GrantType;
import io.kairos.jobtype.oauth.NewCredential;
import io.kairos.jobtype.oauth.OAuthCredential;
import io.kairos.jobtype.oauth.OAuthTokenRefreshPayload;
import io.kairos.registry.JobRegistry;
import io.kairos.serialization.KairosJson;
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
  private final JobRegistry jobs;
  private final TransactionTemplate transactions;
  private final Clock clock;
  private final ObjectMapper json = KairosJson.newObjectMapper();

  CredentialService(
      CredentialStore store,
      JobSubmitter submitter,
      JobControl control,
      JobRegistry jobs,
      PlatformTransactionManager transactionManager,
      Clock clock) {
    this.store = store;
    this.submitter = submitter;
    this.control = control;
    this.jobs = jobs;
    this.transactions = new TransactionTemplate(transactionManager);
    this.clock = clock;
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
            caller);
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
