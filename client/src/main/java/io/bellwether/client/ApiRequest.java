package io.bellwether.client;

import java.util.Map;
import java.util.Set;

/**
 * One call of the HTTP API, as {@link Transport} sends it (each attempt alike).
 *
 * @param pathAndQuery from the root, e.g. {@code /v1/kv/a?consistency=stale}
 * @param body null for none
 * @param write whether the call changes state: then it carries one {@code Idempotency-Key} over all
 *     attempts, and a failure is "not applied" only when that is certain
 * @param idempotencyKey for a write: the key to send, or null for a fresh random one
 * @param answeredCodes error codes that are answers for the caller, not failures (e.g. {@code
 *     NOT_FOUND} for a get): returned like a success, never retried
 */
record ApiRequest(String method, String pathAndQuery, byte[] body, Map<String, String> headers, boolean write,
    String idempotencyKey, Set<String> answeredCodes) {

  static ApiRequest read(String pathAndQuery, Set<String> answeredCodes) {
    return new ApiRequest("GET", pathAndQuery, null, Map.of(), false, null, answeredCodes);
  }

  /** "PUT /v1/kv/a": for messages (no query: it may be long). */
  String describe() {
    int q = pathAndQuery.indexOf('?');
    return method + " " + (q < 0 ? pathAndQuery : pathAndQuery.substring(0, q));
  }
}
