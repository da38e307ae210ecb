package io.bellwether.node.cli;

import io.bellwether.node.security.TlsContexts;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;

/** A tiny blocking client of the HTTP API for the CLI commands. */
final class ApiClient {

  private final String baseUrl;
  private final Duration timeout;
  private final HttpClient http;
  private final String token;

  ApiClient(String baseUrl, Duration timeout) {
    this(baseUrl, timeout, null, null);
  }

  /**
   * @param ssl the TLS context for https URLs (null: the JVM's default trust)
   * @param token the bearer token to send on every request, or null
   */
  ApiClient(String baseUrl, Duration timeout, SSLContext ssl, String token) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.timeout = timeout;
    this.token = token;
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(timeout);
    if (ssl != null) b.sslContext(ssl);
    this.http = b.sslParameters(TlsContexts.parameters()).build();
  }

  /** Percent-encodes a key for the path, keeping '/' readable. */
  static String keyPath(String key) {
    return "/v1/kv/" + URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20").replace("%2F", "/");
  }

  static String query(String name, String value) {
    return name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  HttpResponse<byte[]> send(String method, String pathAndQuery, byte[] body, Map<String, String> headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery)).timeout(timeout)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(b::header);
    if (token != null) b.header("Authorization", "Bearer " + token);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }
}
