package io.bellwether.node.cli;

import io.bellwether.node.security.ApiRole;
import io.bellwether.node.security.TlsContexts;
import io.bellwether.node.security.Tokens;
import io.bellwether.pki.CertificateAuthority;
import io.bellwether.pki.PemFiles;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * What {@code local-cluster --secure} creates in its directory and how its nodes and its own
 * requests use it: {@code DIR/tls/} holds a CA ({@code ca.pem}, {@code ca.key}) and a certificate per
 * node ({@code ID.pem}, {@code ID.key}, naming the node id, localhost and 127.0.0.1), made the first
 * time the node starts, so a node that {@code local-cluster add} adds gets one too; {@code
 * DIR/tokens/} holds one token per role ({@code admin.token}, {@code write.token}, {@code
 * read.token}, readable by the owner only) and the hashed list the nodes check ({@code tokens}).
 *
 * <p>Every node then runs with peer TLS ({@code transport.tls.*}), HTTPS ({@code http.tls.*}) and
 * token authentication ({@code auth.tokens.file}); a node that joins presents the admin token. The
 * launcher's own requests (readiness, {@code add}, {@code remove}) use HTTPS trusting the CA, with
 * the admin token. A plain cluster ({@link #PLAIN}) uses none of it.
 */
final class LocalClusterSecurity {

  static final String TLS_DIR = "tls";
  static final String TOKENS_DIR = "tokens";
  /** The hashed tokens the nodes read ({@code auth.tokens.file}). */
  static final String TOKENS_FILE = "tokens";
  static final Duration CA_VALIDITY = Duration.ofDays(3650);
  static final Duration NODE_VALIDITY = Duration.ofDays(825);

  /** A cluster without TLS or tokens. */
  static final LocalClusterSecurity PLAIN = new LocalClusterSecurity(null);

  /** The cluster's directory, or null for a plain cluster. */
  private final Path dir;
  /** Trusts the cluster's CA; built on first use. */
  private SSLContext ssl;

  private LocalClusterSecurity(Path dir) {
    this.dir = dir;
  }

  /** The security of the local cluster in {@code dir}, as its layout records it. */
  static LocalClusterSecurity of(Path dir, LocalClusterLayout layout) {
    return layout.secure() ? new LocalClusterSecurity(dir) : PLAIN;
  }

  boolean secure() {
    return dir != null;
  }

  /** {@code http://HOST:PORT} or {@code https://HOST:PORT}. */
  String url(String hostPort) {
    return (secure() ? "https://" : "http://") + hostPort;
  }

  Path tls() {
    return dir.resolve(TLS_DIR);
  }

  Path caCertificate() {
    return tls().resolve(CertsCommand.CA_CERT);
  }

  Path token(ApiRole role) {
    return dir.resolve(TOKENS_DIR).resolve(role.name().toLowerCase(java.util.Locale.ROOT) + ".token");
  }

  /**
   * Creates what is missing: the CA, and the three tokens with their hashed list. Existing files are
   * kept, so a restarted cluster keeps its CA and its tokens.
   *
   * @throws IOException naming the file that cannot be written or read
   */
  void prepare() throws IOException {
    if (!secure()) return;
    Files.createDirectories(tls());
    if (!Files.exists(caCertificate())) {
      CertificateAuthority.create("bellwether local-cluster CA " + dir.getFileName(), CA_VALIDITY)
          .writeTo(caCertificate(), tls().resolve(CertsCommand.CA_KEY));
    }
    Path tokens = Files.createDirectories(dir.resolve(TOKENS_DIR));
    Path hashed = tokens.resolve(TOKENS_FILE);
    if (Files.exists(hashed)) return;
    StringBuilder lines = new StringBuilder("# role name hash: the tokens of local-cluster " + dir.getFileName() + "\n");
    for (ApiRole role : ApiRole.values()) {
      String secret = Tokens.generate();
      writeOwnerOnly(token(role), secret + "\n");
      lines.append(Tokens.line(role, role.name().toLowerCase(java.util.Locale.ROOT), secret)).append('\n');
    }
    writeOwnerOnly(hashed, lines.toString()); // last: its presence means all tokens exist
  }

  /**
   * The flags that make node {@code id} secure, issuing its certificate first if it has none.
   *
   * @param joins whether the node joins a running cluster (it then presents the admin token)
   */
  List<String> nodeArgs(String id, boolean joins) throws IOException {
    if (!secure()) return List.of();
    Path cert = tls().resolve(id + ".pem");
    Path key = tls().resolve(id + ".key");
    if (!Files.exists(cert) || !Files.exists(key)) {
      CertificateAuthority.load(caCertificate(), tls().resolve(CertsCommand.CA_KEY))
          .issue(id, List.of("localhost", "127.0.0.1"), NODE_VALIDITY).writeTo(cert, key);
    }
    List<String> args = new ArrayList<>();
    for (String prefix : List.of("transport.tls.", "http.tls.")) {
      args.addAll(List.of("--set", prefix + "cert=" + cert, "--set", prefix + "key=" + key,
          "--set", prefix + "ca=" + caCertificate()));
    }
    args.addAll(List.of("--set", "auth.tokens.file=" + dir.resolve(TOKENS_DIR).resolve(TOKENS_FILE)));
    if (joins) args.addAll(List.of("--set", "membership.join.token.file=" + token(ApiRole.ADMIN)));
    return args;
  }

  /** A client of the node at {@code url} for the launcher's own requests: the CA and the admin token. */
  ApiClient client(String url, Duration timeout) throws IOException {
    if (!secure()) return new ApiClient(url, timeout);
    synchronized (this) {
      if (ssl == null) ssl = TlsContexts.client(caCertificate(), null, null);
    }
    return new ApiClient(url, timeout, ssl, Files.readString(token(ApiRole.ADMIN)).strip());
  }

  /** {@code command} (a client command of the CLI) with the CA and the admin token, when secure. */
  String adminCommand(String command) {
    if (!secure()) return command;
    return command + " --cacert " + caCertificate() + " --token-file " + token(ApiRole.ADMIN);
  }

  /** How to use the cluster from a shell, printed when it is ready. */
  String usage(String url) {
    if (!secure()) {
      return String.format("  bin/bellwether put hello world --url %s%n  bin/bellwether status --url %s%n", url, url);
    }
    Path ca = caCertificate();
    return String.format("  curl --cacert %s -H \"Authorization: Bearer $(cat %s)\" -X PUT %s/v1/kv/hello -d world%n"
            + "  curl --cacert %s -H \"Authorization: Bearer $(cat %s)\" %s/v1/kv/hello%n"
            + "  bin/bellwether put hello again --cacert %s --token-file %s --url %s%n"
            + "  (tokens: %s, %s, %s; the CA certificate every client trusts: %s)%n",
        ca, token(ApiRole.WRITE), url, ca, token(ApiRole.READ), url, ca, token(ApiRole.WRITE), url,
        token(ApiRole.ADMIN), token(ApiRole.WRITE), token(ApiRole.READ), ca);
  }

  private static void writeOwnerOnly(Path file, String text) throws IOException {
    Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName().toString(), ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Files.writeString(tmp, text);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Checks that the CA certificate can be read (a damaged directory is reported before any node starts). */
  void check() throws IOException {
    if (secure()) PemFiles.readCertificate(caCertificate());
  }
}
