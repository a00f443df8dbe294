package io.kairos.outbound;

/** A URL Kairos must not send a request to (see {@link OutboundPolicy}); the message says why. */
public class OutboundRefused extends Exception {

  public OutboundRefused(String message) {
    super(message);
  }
}
