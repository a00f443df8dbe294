package io.kairos.client;

/**
 * Every failure of a {@link KairosClient} call: the API answered with an error ({@link
 * KairosApiException}) or no usable answer came back ({@link KairosTransportException}). Catch this
 * to handle both alike.
 */
public abstract sealed class KairosException extends RuntimeException
    permits KairosApiException, KairosTransportException {

  KairosException(String message, Throwable cause) {
    super(message, cause);
  }
}
