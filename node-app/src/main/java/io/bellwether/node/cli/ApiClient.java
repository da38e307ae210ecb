package io.bellwether.node.cli;

import io.bellwether.client.ShortLivedHttp;
import io.bellwether.node.security.TlsContexts;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * A tiny blocking client of the HTTP API for the CLI commands. Reads ({@code status}, {@code member
 * list}) go on a connection of their own ({@link ShortLivedHttp}): a command makes a call and exits,
 * and the JDK's pooled client costs half a second of start-up and exit. Changes (member changes,
 * leader transfer) go through the JDK's client: {@code HttpURLConnection} keeps connections for
 * reuse within a JVM, and a change sent on one that a restarted node had closed would fail as "may
 * have happened" (seen in {@code JoinProcessIT}, where the CLI runs inside the test's JVM); a read on
 * such a connection it simply sends again. Failures are {@code HttpClient.send}'s either way.
 */
final class ApiClient {

  private final String baseUrl;
  private final Duration timeout;
  private final SSLContext ssl;
  private final ShortLivedHttp reads;
  private final String token;
  private HttpClient changes;

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
    this.ssl = ssl;
    this.token = token;
    this.reads = new ShortLivedHttp(timeout, ssl);
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
    URI uri = URI.create(baseUrl + pathAndQuery);
    if ("GET".equals(method)) return reads.send(method, uri, all, body, timeout);
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    all.forEach(b::header);
    return changes().send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private synchronized HttpClient changes() {
    if (changes == null) {
      HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(timeout);
      if (ssl != null) b.sslContext(ssl);
      changes = b.sslParameters(TlsContexts.parameters()).build();
    }
    return changes;
  }
}
