package io.bellwether.node.e2e;

import io.bellwether.node.security.TlsContexts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * How the end-to-end tests reach the nodes' HTTP APIs: plain HTTP, or, for a cluster started
 * secure ({@link E2eSecurity}), HTTPS trusting only the cluster's CA with a bearer token on every
 * request. One per test JVM at a time (the scenarios run one after another); {@link #use} switches
 * it when a scenario starts its cluster.
 */
final class E2eHttp {

  private static volatile E2eHttp current = new E2eHttp(null, null);

  private final String scheme;
  private final String token;
  private final HttpClient client;

  private E2eHttp(SSLContext tls, String token) {
    this.scheme = tls == null ? "http" : "https";
    this.token = token;
    HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(1));
    if (tls != null) b.sslContext(tls).sslParameters(TlsContexts.parameters());
    this.client = b.build();
  }

  /** From now on: plain HTTP when {@code security} is null, else HTTPS with its CA and token. */
  static void use(E2eSecurity security) {
    current = security == null ? new E2eHttp(null, null) : new E2eHttp(security.clientContext(), security.writeToken());
  }

  static E2eHttp current() {
    return current;
  }

  /** {@code http://127.0.0.1:PORT} or {@code https://...}. */
  static String url(int port) {
    return current.scheme + "://127.0.0.1:" + port;
  }

  /** A request builder for {@code uri} that carries the token, when there is one. */
  static HttpRequest.Builder request(String uri) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(uri));
    String t = current.token;
    if (t != null) b.header("Authorization", "Bearer " + t);
    return b;
  }

  HttpClient client() {
    return client;
  }

  static HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    return current.client.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
