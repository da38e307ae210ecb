package io.bellwether.client;

import java.net.URI;

/**
 * A write may or may not have happened: every attempt ended without an answer that settles it (504
 * {@code OUTCOME_UNKNOWN}, a timeout, a connection broken after sending, an answer that is not the
 * API's) and the retry budget ran out, or an attempt that may have applied was followed by answers
 * that only speak for themselves. All attempts carried the same {@link #idempotencyKey()}: sending the
 * write again with it (through {@link PutOptions#idempotencyKey}) within 5 minutes applies it at most
 * once, and answers with the original result if it did apply. Or read the key to find out.
 */
public final class OutcomeUnknownException extends BellwetherClientException {

  private final String idempotencyKey;

  OutcomeUnknownException(String message, int status, String code, String serverMessage, URI endpoint,
      String idempotencyKey, Throwable cause) {
    super(message, status, code, serverMessage, endpoint, cause);
    this.idempotencyKey = idempotencyKey;
  }

  /** The {@code Idempotency-Key} every attempt of the write carried. */
  public String idempotencyKey() {
    return idempotencyKey;
  }
}
