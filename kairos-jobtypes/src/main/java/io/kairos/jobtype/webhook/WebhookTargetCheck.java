package io.kairos.jobtype.webhook;

import io.kairos.job.InvalidJobException;
import io.kairos.job.PayloadCheck;
import io.kairos.outbound.OutboundPolicy;
import io.kairos.outbound.OutboundRefused;
import io.kairos.outbound.Resolver;
import java.util.function.Predicate;

/**
 * The creation-time check of a webhook's target: the URL's host must pass the deployment's policy,
 * and so must every address it resolves to now. The worker checks again before each request, since
 * DNS answers change; this check lets the API refuse at once what a worker would refuse later. A
 * payload that names an OAuth credential ({@code auth.oauthCredential}) must name one that exists.
 *
 * @param credentialExists whether a stored OAuth credential has this id
 */
public record WebhookTargetCheck(
    OutboundPolicy policy, Resolver resolver, Predicate<String> credentialExists)
    implements PayloadCheck<WebhookPayload> {

  /** Without credentials to check against: any credential id is taken as it is. */
  public WebhookTargetCheck(OutboundPolicy policy, Resolver resolver) {
    this(policy, resolver, id -> true);
  }

  @Override
  public void check(WebhookPayload payload) {
    try {
      policy.check(payload.uri(), resolver);
    } catch (OutboundRefused e) {
      throw new InvalidJobException("url", e.getMessage());
    }
    if (payload.auth() != null && !credentialExists.test(payload.auth().oauthCredential())) {
      throw new InvalidJobException(
          "auth.oauthCredential",
          "no OAuth credential '" + payload.auth().oauthCredential() + "' is stored");
    }
  }
}
