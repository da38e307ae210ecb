package io.bellwether.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;

/** An answer that {@link Transport} hands back: a success, or one of the request's answered codes. */
record ApiResponse(int status, HttpHeaders headers, byte[] body, URI endpoint, String idempotencyKey) {

  static final String NODE = "X-Bellwether-Node";
  static final String APPLIED_INDEX = "X-Bellwether-Applied-Index";
  static final String LEASE = "X-Bellwether-Lease";

  String header(String name) {
    return headers.firstValue(name).orElse(null);
  }

  /** A numeric header, or {@code absent} when missing or not a number (e.g. ETag {@code "7"}). */
  long longHeader(String name, long absent) {
    String v = header(name);
    if (v == null) return absent;
    try {
      return Long.parseLong(v.replace("\"", "").strip());
    } catch (NumberFormatException e) {
      return absent;
    }
  }

  String node() {
    return header(NODE);
  }

  long appliedIndex() {
    return longHeader(APPLIED_INDEX, 0);
  }

  /** The body as a JSON object, or null when it is not one. */
  JsonNode json() {
    return Json.object(body);
  }

  /** The start of the body as text, for messages. */
  String text() {
    return Json.snippet(body);
  }

  boolean ok() {
    return status / 100 == 2;
  }

  @Override
  public String toString() {
    return "HTTP " + status + " from " + endpoint + ": " + new String(body, StandardCharsets.UTF_8);
  }
}
