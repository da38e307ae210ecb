package io.bellwether.node.cli;

import io.bellwether.client.BellwetherClient;
import io.bellwether.client.BellwetherClientBuilder;
import io.bellwether.client.RetryPolicy;
import io.bellwether.node.security.TlsContexts;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import picocli.CommandLine.Option;

/**
 * The options every client command shares: which node, how long to wait, and the credentials
 * (HTTPS trust, client certificate, bearer token). The token is never printed, not even in help.
 */
public final class ClientTarget {
  @Option(names = "--url", paramLabel = "URL", description = "a node's HTTP(S) URL (env BELLWETHER_URL; default ${DEFAULT-VALUE})",
      defaultValue = "${env:BELLWETHER_URL:-http://127.0.0.1:8080}")
  String url;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10", description = "request timeout in seconds (default ${DEFAULT-VALUE})")
  long timeoutSeconds;

  @Option(names = "--cacert", paramLabel = "FILE",
      description = "with an https URL: trust the CA certificates in this PEM file (default: the JVM's trusted CAs)")
  Path cacert;

  @Option(names = "--cert", paramLabel = "FILE",
      description = "with an https URL: present this client certificate (PEM; for nodes with http.tls.client.auth)")
  Path cert;

  @Option(names = "--key", paramLabel = "FILE", description = "the private key (PEM) of --cert")
  Path key;

  @Option(names = "--token", paramLabel = "TOKEN",
      description = "bearer token for a node with auth.tokens.file (default: env BELLWETHER_TOKEN)",
      defaultValue = "${env:BELLWETHER_TOKEN}")
  String token;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "read the bearer token from this file (its first line): unlike --token, not visible in process listings")
  Path tokenFile;

  /**
   * A client for these options.
   *
   * @throws IOException naming the file when --cacert, --cert or --key cannot be read, or only one of
   *     --cert and --key is given (nothing has been sent)
   */
  ApiClient client() throws IOException {
    if ((cert == null) != (key == null)) throw new IOException("--cert and --key go together");
    SSLContext ssl = cacert == null && cert == null ? null : TlsContexts.client(cacert, cert, key);
    String bearer = token == null || token.isBlank() ? null : token.strip();
    if (tokenFile != null) {
      try {
        bearer = io.bellwether.node.security.Secret.readFile(tokenFile).reveal();
      } catch (IOException e) {
        throw new IOException("--token-file: " + e.getMessage(), e);
      }
    }
    return new ApiClient(url, Duration.ofSeconds(timeoutSeconds), ssl, bearer);
  }

  /**
   * A {@link BellwetherClient} for these options, making the attempts {@code retry} allows (one, for
   * a command whose exit code says what happened to it; more for commands that keep running: watch,
   * lock), {@link io.bellwether.client.BellwetherClientBuilder#shortLived() short-lived} or not.
   *
   * @throws IOException as {@link #client()}
   */
  BellwetherClient bellwetherClient(RetryPolicy retry, boolean shortLived) throws IOException {
    if ((cert == null) != (key == null)) throw new IOException("--cert and --key go together");
    BellwetherClientBuilder b = BellwetherClient.builder().endpoints(url).retry(retry)
        .requestTimeout(Duration.ofSeconds(timeoutSeconds)).connectTimeout(Duration.ofSeconds(timeoutSeconds));
    if (cacert != null || cert != null) b.sslContext(TlsContexts.client(cacert, cert, key));
    if (shortLived) b.shortLived();
    b.token(token);
    if (tokenFile != null) {
      try {
        b.token(io.bellwether.node.security.Secret.readFile(tokenFile).reveal());
      } catch (IOException e) {
        throw new IOException("--token-file: " + e.getMessage(), e);
      }
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new IOException("--url: " + e.getMessage(), e);
    }
  }
}
