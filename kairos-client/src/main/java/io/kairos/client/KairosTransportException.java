package io.kairos.client;

/**
 * No usable answer from the API: the connection failed or timed out, the call was interrupted, or
 * the response could not be read. Whether the request took effect is unknown; creating a job with
 * an id of your own and retrying with the same body is safe (the API answers a replay with the job
 * it created the first time).
 */
public final class KairosTransportException extends KairosException {

  KairosTransportException(String message, Throwable cause) {
    super(message, cause);
  }
}
