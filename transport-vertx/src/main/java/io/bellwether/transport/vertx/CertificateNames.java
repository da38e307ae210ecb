package io.bellwether.transport.vertx;

import io.vertx.core.net.NetSocket;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The node ids a certificate vouches for: its subject's common names and its DNS subject alternative
 * names. Peers are reached by IP address, so the transport does not verify host names; it checks
 * instead that the certificate names the node id a peer claims (inbound) or the node it meant to
 * reach (outbound).
 */
final class CertificateNames {

  private static final int SAN_DNS = 2;

  private CertificateNames() {}

  /** Common names first, then DNS alternative names, without duplicates; never null. */
  static Set<String> of(X509Certificate certificate) {
    Set<String> names = new LinkedHashSet<>();
    try {
      for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) names.add(String.valueOf(rdn.getValue()));
      }
    } catch (InvalidNameException e) {
      // A subject the JDK itself produced always parses; without a CN only the SANs count.
    }
    try {
      Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          if (san.size() >= 2 && Integer.valueOf(SAN_DNS).equals(san.get(0))) names.add(String.valueOf(san.get(1)));
        }
      }
    } catch (CertificateParsingException e) {
      // An undecodable SAN extension names nobody: the CN alone decides.
    }
    return names;
  }

  /**
   * The names in the certificate {@code socket}'s peer presented in its TLS handshake, or an empty
   * set when it presented none (a plaintext socket, or a handshake without a client certificate).
   */
  static Set<String> ofPeer(NetSocket socket) {
    try {
      List<Certificate> chain = socket.peerCertificates();
      if (chain != null && !chain.isEmpty() && chain.get(0) instanceof X509Certificate leaf) return of(leaf);
    } catch (SSLPeerUnverifiedException e) {
      // no certificate: names nobody
    }
    return Set.of();
  }
}
