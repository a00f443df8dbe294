package io.kairos.jobtype.email;

import io.kairos.job.InvalidJobException;
import io.kairos.job.PayloadCheck;
import io.kairos.outbound.OutboundRefused;
import io.kairos.outbound.SenderDomains;

/**
 * The creation-time check of an e-mail's sender against the deployment's allowed sender domains, so
 * the API refuses at once a message a worker would refuse to send.
 */
public record SenderDomainCheck(SenderDomains senders) implements PayloadCheck<EmailPayload> {

  @Override
  public void check(EmailPayload payload) {
    try {
      senders.check(payload.from());
    } catch (OutboundRefused e) {
      throw new InvalidJobException("from", e.getMessage());
    }
  }
}
