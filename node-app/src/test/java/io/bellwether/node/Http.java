package io.bellwether.node;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A small blocking HTTP helper for tests. */
final class Http {

  static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Http() {}

  static HttpResponse<String> send(String method, String url, String body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (headers.length > 0) b.headers(headers);
    return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> get(String url, String... headers) throws Exception {
    return send("GET", url, null, headers);
  }

  static HttpResponse<String> put(String url, String body, String... headers) throws Exception {
    return send("PUT", url, body, headers);
  }

  /**
   * PUT with an idempotency key, retried while the answer is 503 (certainly not applied, e.g. during
   * an election) or 504 (maybe applied: the same key makes the retry safe). For process tests, where
   * an election may happen at any time on a busy machine.
   */
  static HttpResponse<String> putEventually(String url, String body) {
    String key = java.util.UUID.randomUUID().toString();
    @SuppressWarnings("unchecked")
    HttpResponse<String>[] last = new HttpResponse[1];
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
      last[0] = put(url, body, "Idempotency-Key", key);
      return last[0].statusCode() != 503 && last[0].statusCode() != 504;
    });
    return last[0];
  }

  /** GET, retried while the answer is 503 (no leader yet, or a read index not confirmed in time). */
  static HttpResponse<String> getEventually(String url) {
    @SuppressWarnings("unchecked")
    HttpResponse<String>[] last = new HttpResponse[1];
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
      last[0] = get(url);
      return last[0].statusCode() != 503;
    });
    return last[0];
  }

  static HttpResponse<String> delete(String url, String... headers) throws Exception {
    return send("DELETE", url, null, headers);
  }
}
