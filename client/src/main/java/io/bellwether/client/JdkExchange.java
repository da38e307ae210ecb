package io.bellwether.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** {@link Exchange} on the JDK's {@code java.net.http} client, whose exceptions already follow the contract. */
final class JdkExchange implements Exchange {

  private final HttpClient http;

  JdkExchange(HttpClient http) {
    this.http = http;
  }

  @Override
  public HttpResponse<byte[]> send(String method, URI uri, Map<String, String> headers, byte[] body, Duration timeout)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }
}
