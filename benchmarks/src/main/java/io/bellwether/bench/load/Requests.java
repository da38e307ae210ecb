package io.bellwether.bench.load;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;

/** Control-plane requests (leader look-ups, pid look-ups): send, read the whole body, fail on non-2xx. */
final class Requests {

  private Requests() {}

  static Future<Buffer> fetch(HttpClient client, Endpoint endpoint, Req req, Duration timeout) {
    RequestOptions options = options(endpoint, req, timeout);
    return client.request(options)
        .compose(r -> req.body() == null ? r.send() : r.send(Buffer.buffer(req.body())))
        .compose(resp -> resp.body().compose(body -> resp.statusCode() / 100 == 2
            ? Future.succeededFuture(body)
            : Future.failedFuture(endpoint + req.uri() + " answered " + resp.statusCode() + ": " + body)));
  }

  static RequestOptions options(Endpoint endpoint, Req req, Duration timeout) {
    RequestOptions options = new RequestOptions()
        .setMethod(req.method())
        .setHost(endpoint.host())
        .setPort(endpoint.port())
        .setURI(req.uri())
        .setConnectTimeout(timeout.toMillis())
        .setIdleTimeout(timeout.toMillis());
    if (req.contentType() != null) options.putHeader("Content-Type", req.contentType());
    if (req.authorization() != null) options.putHeader(HttpHeaders.AUTHORIZATION, req.authorization());
    return options;
  }
}
