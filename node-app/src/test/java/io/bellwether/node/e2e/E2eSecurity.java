package io.bellwether.node.e2e;

import io.bellwether.node.security.TlsContexts;
import io.bellwether.pki.CertificateAuthority;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * A secure end-to-end cluster's credentials, in {@code DIR/tls}: a CA, a certificate per node (made
 * when the node is first started, so nodes that join get one too), and the tokens of the three
 * roles. Every node gets peer TLS, HTTPS and token authentication; the clients use the write token.
 */
final class E2eSecurity {

  private final Path tls;
  private final CertificateAuthority ca;
  private final String writeToken;

  private E2eSecurity(Path tls, CertificateAuthority ca, String writeToken) {
    this.tls = tls;
    this.ca = ca;
    this.writeToken = writeToken;
  }

  static E2eSecurity create(Path dir) throws IOException {
    Path tls = Files.createDirectories(dir.resolve("tls"));
    CertificateAuthority ca = CertificateAuthority.create("e2e-ca", Duration.ofDays(1));
    ca.writeTo(tls.resolve("ca.pem"), tls.resolve("ca.key"));
    String write = E2eTokens.write(tls);
    return new E2eSecurity(tls, ca, write);
  }

  /** The settings that make node {@code id} secure: its certificate, the CA, the tokens file. */
  synchronized List<String> nodeArgs(String id) {
    Path cert = tls.resolve(id + ".pem");
    Path key = tls.resolve(id + ".key");
    try {
      if (!Files.exists(cert)) ca.issue(id, List.of("127.0.0.1", "localhost"), Duration.ofDays(1)).writeTo(cert, key);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> args = new ArrayList<>();
    for (String prefix : List.of("transport.tls", "http.tls")) {
      args.addAll(List.of("--set", prefix + ".cert=" + cert, "--set", prefix + ".key=" + key,
          "--set", prefix + ".ca=" + tls.resolve("ca.pem")));
    }
    args.addAll(List.of("--set", "auth.tokens.file=" + E2eTokens.file(tls),
        // used only by a node started with --join: it adds itself, which takes the admin role
        "--set", "membership.join.token.file=" + tls.resolve("admin.token")));
    return args;
  }

  String writeToken() {
    return writeToken;
  }

  /** TLS for the test's clients: trusts the cluster's CA and nothing else. */
  SSLContext clientContext() {
    try {
      return TlsContexts.client(tls.resolve("ca.pem"), null, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

}
