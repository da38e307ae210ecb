package io.bellwether.node;

import io.bellwether.node.security.ApiRole;
import io.bellwether.node.security.TlsContexts;
import io.bellwether.node.security.Tokens;
import io.bellwether.pki.CertificateAuthority;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test credentials in a directory: a CA, a certificate for 127.0.0.1 and localhost (every node of a
 * test cluster shares it), a client certificate, and a tokens file with one token of each role.
 */
final class Credentials {

  final Path dir;
  final Path ca;
  final Path cert;
  final Path key;
  final Path clientCert;
  final Path clientKey;
  final Path tokensFile;
  final String reader = Tokens.generate();
  final String writer = Tokens.generate();
  final String admin = Tokens.generate();

  private Credentials(Path dir) throws IOException {
    this.dir = dir;
    ca = dir.resolve("ca.pem");
    cert = dir.resolve("node.pem");
    key = dir.resolve("node-key.pem");
    clientCert = dir.resolve("client.pem");
    clientKey = dir.resolve("client-key.pem");
    tokensFile = dir.resolve("tokens");
    CertificateAuthority authority = CertificateAuthority.create("test-ca", Duration.ofDays(1));
    authority.writeTo(ca, dir.resolve("ca-key.pem"));
    authority.issue("node", List.of("127.0.0.1", "localhost"), Duration.ofHours(1)).writeTo(cert, key);
    authority.issueClient("client", Duration.ofHours(1)).writeTo(clientCert, clientKey);
    Tokens.append(tokensFile, ApiRole.READ, "reader", reader);
    Tokens.append(tokensFile, ApiRole.WRITE, "writer", writer);
    Tokens.append(tokensFile, ApiRole.ADMIN, "admin", admin);
  }

  static Credentials in(Path dir) throws IOException {
    return new Credentials(dir);
  }

  /** Settings that turn tokens on. */
  Map<String, String> tokens() {
    return Map.of("auth.tokens.file", tokensFile.toString());
  }

  /** Settings that turn HTTPS on, with this client-auth mode. */
  Map<String, String> https(String clientAuth) {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("http.tls.cert", cert.toString());
    s.put("http.tls.key", key.toString());
    s.put("http.tls.ca", ca.toString());
    s.put("http.tls.client.auth", clientAuth);
    return s;
  }

  /** An HTTPS client trusting the test CA, with or without the client certificate. */
  HttpClient httpsClient(boolean withClientCert) throws IOException {
    return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
        .sslContext(TlsContexts.client(ca, withClientCert ? clientCert : null, withClientCert ? clientKey : null))
        .build();
  }

  static HttpResponse<String> send(HttpClient client, String method, String url, String body, String token)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (token != null) b.header("Authorization", "Bearer " + token);
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
