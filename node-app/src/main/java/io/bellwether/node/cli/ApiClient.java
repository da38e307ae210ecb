package io.bellwether.node.cli;

import io.bellwether.client.ShortLivedHttp;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * A tiny blocking client of the HTTP API for the CLI commands: each call on its own connection
 * ({@link ShortLivedHttp}: a command makes one or two calls and exits, and the JDK's pooled client
 * would cost it half a second of start-up and exit). Its failures are {@code HttpClient.send}'s.
 */
final class ApiClient {

  private final String baseUrl;
  private final Duration timeout;
  private final ShortLivedHttp http;
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
    this.http = new ShortLivedHttp(timeout, ssl);
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
    Map<String, String> all = new LinkedHashMap<>(headers);
    if (token != null) all.put("Authorization", "Bearer " + token);
    return http.send(method, URI.create(baseUrl + pathAndQuery), all, body, timeout);
  }
}
