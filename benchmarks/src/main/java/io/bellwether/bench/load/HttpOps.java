package io.bellwether.bench.load;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import java.net.ConnectException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLHandshakeException;

/**
 * Sends one data request on a worker's client and turns whatever happens into an {@link Outcome};
 * the returned future never fails.
 */
final class HttpOps {

  private final HttpClient client;
  private final Protocol protocol;
  private final Duration timeout;

  HttpOps(HttpClient client, Protocol protocol, Duration timeout) {
    this.client = client;
    this.protocol = protocol;
    this.timeout = timeout;
  }

  Future<Outcome> send(Endpoint endpoint, Req req, boolean read) {
    return client.request(Requests.options(endpoint, req, timeout))
        .compose(r -> req.body() == null ? r.send() : r.send(Buffer.buffer(req.body())))
        .compose(resp -> resp.body().map(body -> protocol.classify(resp.statusCode(), resp.headers(), body, read)))
        .otherwise(HttpOps::failure);
  }

  /** Names a failure that produced no HTTP answer; every one of them may mean the node is gone. */
  static Outcome failure(Throwable t) {
    return Outcome.error(kind(t), true);
  }

  static String kind(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String name = t.getClass().getSimpleName();
      String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
      // Before the causes, which name only the validator's exception (SunCertPathBuilderException).
      if (t instanceof SSLHandshakeException) return "tls handshake failed";
      if (t instanceof TimeoutException || name.contains("Timeout") || message.contains("timeout period")
          || message.contains("timed out")) {
        return "timeout";
      }
      if (message.contains("connection refused")) return "connection refused";
      if (t instanceof ConnectException) return "connect failed";
      if (name.contains("Closed") || message.contains("connection was closed") || message.contains("closed")) {
        return "connection closed";
      }
      if (message.contains("connection reset")) return "connection reset";
      if (t.getCause() == null) return name;
    }
    return "unknown";
  }
}
