package io.bellwether.client;

import java.net.URI;

/**
 * The request certainly had no effect: a write that the node refused with one of the API's "did not
 * happen" statuses (400, 401, 403, 404, 405, 409, 412, 413, 429, 503 with Bellwether's error body)
 * or that never left this client (no connection), or a read that failed (a read has no effect). When
 * an earlier attempt of the same write may have applied, the client throws {@link
 * OutcomeUnknownException} instead, so this one is a promise.
 */
public class NotAppliedException extends BellwetherClientException {

  NotAppliedException(String message, int status, String code, String serverMessage, URI endpoint, Throwable cause) {
    super(message, status, code, serverMessage, endpoint, cause);
  }
}
