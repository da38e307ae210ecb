package io.bellwether.bench.load;

import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * How the tool reaches the members: over TLS or not, which CA it trusts, and the bearer token it
 * sends. Built once per run from {@code --ca} and {@code --token-file}; applied when the run's
 * clients are built, so a plain-HTTP run without a token sets up exactly what it did before (no
 * per-request work: the header value is made once here).
 *
 * @param tls whether the endpoints are {@code https://}
 * @param ca PEM file of the only CA to trust, or null for the JVM's default trust store
 * @param authorization the whole {@code Authorization} header value ({@code Bearer ...}), or null
 */
record ClientSecurity(boolean tls, Path ca, String authorization) {

  static final ClientSecurity NONE = new ClientSecurity(false, null, null);

  /**
   * Checks the options against the endpoints and reads the token file.
   *
   * @throws IllegalArgumentException naming the option or file when they do not fit together or a
   *     file cannot be read (never quoting the token)
   */
  static ClientSecurity of(Target target, List<Endpoint> endpoints, Path ca, Path tokenFile) {
    boolean tls = !endpoints.isEmpty() && endpoints.get(0).tls();
    if (ca != null) {
      if (!tls) throw new IllegalArgumentException("--ca " + ca + " is for https:// endpoints; these are http://");
      String pem = read(ca, "--ca");
      if (!pem.contains("-----BEGIN CERTIFICATE-----")) {
        throw new IllegalArgumentException("--ca " + ca + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
      }
    }
    String authorization = null;
    if (tokenFile != null) {
      if (target != Target.BELLWETHER) {
        throw new IllegalArgumentException("--token-file is for Bellwether's bearer tokens; etcd's auth is not supported");
      }
      authorization = "Bearer " + token(tokenFile);
    }
    return new ClientSecurity(tls, ca, authorization);
  }

  /** The first non-blank line of the file, trimmed: one token without spaces. */
  private static String token(Path file) {
    String token = read(file, "--token-file").lines().map(String::trim).filter(l -> !l.isEmpty()).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("--token-file " + file + " is empty"));
    if (token.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
      throw new IllegalArgumentException("--token-file " + file + ": the token's line holds spaces or control characters;"
          + " the file must hold the token alone");
    }
    return token;
  }

  private static String read(Path file, String option) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException(option + " " + file + " cannot be read: " + e.getMessage(), e);
    }
  }

  /**
   * Turns on TLS in a client's options when the endpoints are {@code https://}: host names checked
   * against the certificate, only {@link #ca()} trusted when given. Leaves plain options untouched.
   */
  HttpClientOptions apply(HttpClientOptions options) {
    if (!tls) return options;
    options.setSsl(true).setVerifyHost(true);
    if (ca != null) options.setTrustOptions(new PemTrustOptions().addCertPath(ca.toString()));
    return options;
  }

  /** Never shows the token. */
  @Override
  public String toString() {
    return "ClientSecurity[tls=" + tls + ", ca=" + ca + ", token=" + (authorization == null ? "none" : "set") + "]";
  }
}
