package io.kairos.jobtype.webhook;

import io.kairos.job.InvalidJobException;
import io.kairos.job.PayloadCheck;
import io.kairos.outbound.OutboundPolicy;
import io.kairos.outbound.OutboundRefused;
import io.kairos.outbound.Resolver;

/**
 * The creation-time check of a webhook's target: the URL's host must pass the deployment's policy,
 * and so must every address it resolves to now. The worker checks again before each request, since
 * DNS answers change; this check lets the API refuse at once what a worker would refuse later.
 */
public record WebhookTargetCheck(OutboundPolicy policy, Resolver resolver)
    implements PayloadCheck<WebhookPayload> {

  @Override
  public void check(WebhookPayload payload) {
    try {
      policy.check(payload.uri(), resolver);
    } catch (OutboundRefused e) {
      throw new InvalidJobException("url", e.getMessage());
    }
  }
}
