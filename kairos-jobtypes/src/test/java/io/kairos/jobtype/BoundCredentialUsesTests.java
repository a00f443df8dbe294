package io.kairos.jobtype;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.kagkarlsson.scheduler.testhelper.SettableClock;
import io.kairos.catalogue.CredentialNotAllowed;
import io.kairos.control.JobRequests;
import io.kairos.job.InvalidJobException;
import io.kairos.job.JobRequest;
import io.kairos.jobtype.oauth.CredentialBinding;
import io.kairos.jobtype.webhook.WebhookAuth;
import io.kairos.jobtype.webhook.WebhookPayload;
import io.kairos.outbound.OutboundPolicy;
import io.kairos.outbound.SenderDomains;
import io.kairos.serialization.KairosJson;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Jobs made in Java (an application's KairosJobs, a handler's follow-ups) use a credential under
 * the same rule as the API's: its keys, its targets.
 */
class BoundCredentialUsesTests {

  static final CredentialBinding CRM =
      new CredentialBinding(List.of("https://93.184.216.34/crm"), List.of("app:crm-sync"));

  final JobRequests requests =
      new JobRequests(
          BuiltInJobTypes.catalogue(
                  BuiltInJobTypes.all(),
                  KairosJson.newObjectMapper(),
                  OutboundPolicy.PUBLIC_ONLY,
                  SenderDomains.ANY)
              .withCredentials(
                  new BoundCredentialUses(
                      id -> id.equals("crm") ? Optional.of(CRM) : Optional.empty())),
          KairosJson.newObjectMapper(),
          new SettableClock());

  static JobRequest webhook(String url) {
    return JobRequest.of(
        "w",
        "webhook",
        new WebhookPayload("POST", url, Map.of(), null, null, new WebhookAuth("crm")));
  }

  @Test
  void onlyTheKeysTheAdminNamedMayUseACredentialAndOnlyOnItsTargets() {
    assertThatThrownBy(
            () -> requests.toNewJob(webhook("https://93.184.216.34/crm/x"), "app:billing"))
        .isInstanceOfSatisfying(
            CredentialNotAllowed.class,
            e -> assertThat(e.field()).isEqualTo("payload.auth.oauthCredential"));
    assertThatThrownBy(
            () ->
                requests.toNewJob(
                    JobRequest.of("r", "oauth-token-refresh", Map.of("credentialId", "crm")),
                    "job:other"))
        .isInstanceOf(CredentialNotAllowed.class);
    assertThatThrownBy(
            () -> requests.toNewJob(webhook("https://93.184.216.35/collect"), "app:crm-sync"))
        .isInstanceOfSatisfying(
            InvalidJobException.class, e -> assertThat(e.field()).isEqualTo("payload.url"));
    assertThat(requests.toNewJob(webhook("https://93.184.216.34/crm/x"), "app:crm-sync").id())
        .isEqualTo("w");
    assertThatThrownBy(
            () ->
                requests.toNewJob(
                    JobRequest.of(
                        "u",
                        "webhook",
                        new WebhookPayload(
                            "POST",
                            "https://93.184.216.34/crm",
                            Map.of(),
                            null,
                            null,
                            new WebhookAuth("unknown"))),
                    "app:crm-sync"))
        .isInstanceOfSatisfying(
            InvalidJobException.class,
            e -> assertThat(e.field()).isEqualTo("payload.auth.oauthCredential"));
  }
}
