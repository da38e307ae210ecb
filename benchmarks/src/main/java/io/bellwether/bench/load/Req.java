package io.bellwether.bench.load;

import io.vertx.core.http.HttpMethod;

/** One HTTP request to send: method, path with query, and an optional body with its content type. */
record Req(HttpMethod method, String uri, byte[] body, String contentType) {

  static Req get(String uri) {
    return new Req(HttpMethod.GET, uri, null, null);
  }
}
