package io.bellwether.node.membership;

import io.bellwether.node.security.ClusterCredentials;
import io.bellwether.node.security.Secret;
import io.bellwether.node.security.TlsContexts;
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
  private final Secret token;

  /**
   * @param requestTimeout how long one request may take, answer included
   * @param credentials the TLS context for https URLs (host names verified) and the bearer token to present
   */
  ClusterClient(Duration requestTimeout, ClusterCredentials credentials) {
    this.requestTimeout = requestTimeout;
    this.token = credentials.token();
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
    if (credentials.tls() != null) b.sslContext(credentials.tls()).sslParameters(TlsContexts.parameters());
    this.http = b.build();
  }

  Answer get(URI base, String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(base.resolve(path)).GET());
  }

  Answer post(URI base, String path, JsonObject body) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode(), StandardCharsets.UTF_8)));
  }

  private Answer send(HttpRequest.Builder request) throws IOException, InterruptedException {
    if (token != null) request.header("Authorization", "Bearer " + token.reveal());
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
