package io.bellwether.bench.load;

import io.vertx.core.http.HttpMethod;

/**
 * One HTTP request to send: method, path with query, an optional body with its content type, and an
 * optional {@code Authorization} header value (null: no header).
 */
record Req(HttpMethod method, String uri, byte[] body, String contentType, String authorization) {

  Req(HttpMethod method, String uri, byte[] body, String contentType) {
    this(method, uri, body, contentType, null);
  }

  static Req get(String uri) {
    return new Req(HttpMethod.GET, uri, null, null, null);
  }

  static Req get(String uri, String authorization) {
    return new Req(HttpMethod.GET, uri, null, null, authorization);
  }

  /** Never shows the body or the credentials. */
  @Override
  public String toString() {
    return method + " " + uri + (authorization == null ? "" : " (with Authorization)");
  }
}
