package io.bellwether.node.membership;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The few HTTP calls a joining node makes to the cluster's API (blocking; never on an event loop):
 * read the cluster, ask to be added, ask to be promoted.
 */
final class ClusterClient {

  /** An answer: its status, and its body if that was a JSON object (else null). */
  record Answer(int status, JsonObject body) {

    /** The API's error code ({@code "error"}), or null. */
    String error() {
      return body == null ? null : body.getValue("error") instanceof String code ? code : null;
    }

    /** One line for logs and failure messages. */
    String describe() {
      String message = body == null ? null : body.getString("message");
      return "HTTP " + status + (error() == null ? "" : " " + error()) + (message == null ? "" : ": " + message);
    }
  }

  private final HttpClient http;
  private final Duration requestTimeout;

  /** @param requestTimeout how long one request may take, answer included */
  ClusterClient(Duration requestTimeout) {
    this.requestTimeout = requestTimeout;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  }

  Answer get(URI base, String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(base.resolve(path)).GET());
  }

  Answer post(URI base, String path, JsonObject body) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode(), StandardCharsets.UTF_8)));
  }

  private Answer send(HttpRequest.Builder request) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(request.timeout(requestTimeout).build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    JsonObject body;
    try {
      body = new JsonObject(r.body());
    } catch (DecodeException | ClassCastException e) {
      body = null; // not the API's answer (a proxy's page, another server): the status alone speaks
    }
    return new Answer(r.statusCode(), body);
  }
}
