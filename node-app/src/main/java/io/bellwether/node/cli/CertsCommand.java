package io.bellwether.node.cli;

import io.bellwether.node.config.NodeConfig;
import io.bellwether.pki.CertificateAuthority;
import io.bellwether.pki.IssuedCertificate;
import io.bellwether.pki.PemFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bellwether certs ca|node|client|show}: a certificate authority for one cluster, and the
 * certificates it signs, as PEM files in one directory: {@code ca.pem} (every node and client trusts
 * it), {@code ca.key} (keep it off the nodes), and {@code NAME.pem}/{@code NAME.key} per holder.
 * Keys are ECDSA P-256. A node's certificate names its node id in the CN and in the URI subject
 * alternative name {@code urn:bellwether:node:ID}, which is what peers check (nothing else names a
 * node), plus the hosts clients reach it by; a client's certificate names the client in its CN only
 * and is good for TLS client authentication only, so it can never pass for a node.
 *
 * <p>Exit codes: 0 done; 1 a file could not be read or written (the message names it); 2 bad usage.
 * Existing files are never overwritten without {@code --force}.
 */
@Command(name = "certs", mixinStandardHelpOptions = true,
    description = "Issues the CA, node and client certificates that peer TLS and HTTPS use.",
    subcommands = {CertsCommand.Ca.class, CertsCommand.Node.class, CertsCommand.Client.class, CertsCommand.Show.class})
public final class CertsCommand implements Runnable {

  static final String CA_CERT = "ca.pem";
  static final String CA_KEY = "ca.key";

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing subcommand: bellwether certs ca|node|client|show");
  }

  /** Options every subcommand that writes files shares. */
  abstract static class Writing implements Callable<Integer> {
    @Option(names = "--dir", defaultValue = "tls", paramLabel = "DIR",
        description = "where ca.pem and ca.key are, and the new files go (default ./${DEFAULT-VALUE})")
    Path dir;

    @Option(names = "--force", description = "overwrite files that exist")
    boolean force;

    @Spec CommandSpec spec;

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    @Override
    public Integer call() {
      try {
        Files.createDirectories(dir);
        return write();
      } catch (IOException | IllegalArgumentException e) {
        spec.commandLine().getErr().println("error: " + e.getMessage());
        return 1;
      }
    }

    abstract int write() throws IOException;

    void refuseOverwrite(Path... files) throws IOException {
      if (force) return;
      for (Path f : files) {
        if (Files.exists(f)) throw new IOException(f + " exists; pass --force to replace it");
      }
    }

    /** Writes DIR/NAME.pem and DIR/NAME.key, issued by {@code issuer} from the CA in DIR. */
    int issue(String name, long days, java.util.function.BiFunction<CertificateAuthority, Duration, IssuedCertificate> issuer)
        throws IOException {
      CertificateAuthority ca = CertificateAuthority.load(dir.resolve(CA_CERT), dir.resolve(CA_KEY));
      Path cert = dir.resolve(name + ".pem");
      Path key = dir.resolve(name + ".key");
      refuseOverwrite(cert, key);
      issuer.apply(ca, Duration.ofDays(days)).writeTo(cert, key);
      out().printf("wrote %s and %s (%s, valid %d days)%n", cert, key, describe(PemFiles.readCertificate(cert)), days);
      return 0;
    }
  }

  @Command(name = "ca", mixinStandardHelpOptions = true,
      description = "Creates a new certificate authority: DIR/ca.pem (give it to every node and client) and DIR/ca.key (keep it safe).")
  static final class Ca extends Writing {
    @Option(names = "--name", defaultValue = "bellwether-ca", description = "the CA's common name (default ${DEFAULT-VALUE})")
    String name;

    @Option(names = "--days", defaultValue = "3650", description = "validity in days (default ${DEFAULT-VALUE})")
    long days;

    @Override
    int write() throws IOException {
      requirePositive(days);
      Path cert = dir.resolve(CA_CERT);
      Path key = dir.resolve(CA_KEY);
      refuseOverwrite(cert, key);
      CertificateAuthority.create(name, Duration.ofDays(days)).writeTo(cert, key);
      out().printf("wrote %s and %s (CA '%s', valid %d days)%n", cert, key, name, days);
      return 0;
    }
  }

  @Command(name = "node", mixinStandardHelpOptions = true,
      description = "Issues DIR/ID.pem and DIR/ID.key for node ID, signed by DIR/ca.pem and DIR/ca.key; for transport.tls.* and http.tls.*.")
  static final class Node extends Writing {
    @Parameters(paramLabel = "ID", description = "the node id (node.id): the certificate names it as URI:urn:bellwether:node:ID, which peers check")
    String id;

    @Option(names = "--host", paramLabel = "HOST", description = "a host name or IP address clients use to reach the node (repeatable; localhost and 127.0.0.1 are always included)")
    List<String> hosts = new ArrayList<>();

    @Option(names = "--days", defaultValue = "365", description = "validity in days (default ${DEFAULT-VALUE})")
    long days;

    @Override
    int write() throws IOException {
      requirePositive(days);
      if (!NodeConfig.isNodeId(id)) {
        throw new IllegalArgumentException("'" + id + "' is not a node id: 1 to 64 letters, digits, '.', '_' or '-',"
            + " starting with a letter or digit");
      }
      LinkedHashSet<String> all = new LinkedHashSet<>(List.of("localhost", "127.0.0.1"));
      all.addAll(hosts);
      return issue(id, days, (ca, validity) -> ca.issue(id, List.copyOf(all), validity));
    }
  }

  @Command(name = "client", mixinStandardHelpOptions = true,
      description = "Issues DIR/NAME.pem and DIR/NAME.key for a client, for HTTPS with http.tls.client.auth.")
  static final class Client extends Writing {
    @Parameters(paramLabel = "NAME", description = "the client's name (its certificate's CN; for TLS client authentication only, never a node's identity)")
    String name;

    @Option(names = "--days", defaultValue = "365", description = "validity in days (default ${DEFAULT-VALUE})")
    long days;

    @Override
    int write() throws IOException {
      requirePositive(days);
      return issue(name, days, (ca, validity) -> ca.issueClient(name, validity));
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "Prints who a PEM certificate names, who signed it, and when it expires.")
  static final class Show implements Callable<Integer> {
    @Parameters(paramLabel = "FILE") Path file;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      try {
        X509Certificate c = PemFiles.readCertificate(file);
        spec.commandLine().getOut().printf("%s%n  issuer %s%n  valid %s to %s%n", describe(c),
            c.getIssuerX500Principal().getName(), c.getNotBefore().toInstant(), c.getNotAfter().toInstant());
        return 0;
      } catch (IOException e) {
        spec.commandLine().getErr().println("error: " + e.getMessage());
        return 1;
      }
    }
  }

  static String describe(X509Certificate c) {
    List<String> names = new ArrayList<>();
    try {
      Collection<List<?>> alt = c.getSubjectAlternativeNames();
      if (alt != null) alt.forEach(n -> names.add(String.valueOf(n.get(1))));
    } catch (CertificateParsingException e) {
      names.add("(unreadable names)");
    }
    return c.getSubjectX500Principal().getName() + (names.isEmpty() ? "" : " " + names);
  }

  private static void requirePositive(long days) {
    if (days < 1 || days > 36500) throw new IllegalArgumentException("--days must be from 1 to 36500, got " + days);
  }

  /** Issues a node certificate from the CA in {@code dir} (used by {@code local-cluster --secure}). */
  static IssuedCertificate issueNode(Path dir, String nodeId, long days) throws IOException {
    CertificateAuthority ca = CertificateAuthority.load(dir.resolve(CA_CERT), dir.resolve(CA_KEY));
    IssuedCertificate issued = ca.issue(nodeId, List.of("localhost", "127.0.0.1"), Duration.ofDays(days));
    issued.writeTo(dir.resolve(nodeId + ".pem"), dir.resolve(nodeId + ".key"));
    return issued;
  }
}
