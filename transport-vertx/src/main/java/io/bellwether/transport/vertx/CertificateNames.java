package io.bellwether.transport.vertx;

import io.vertx.core.net.NetSocket;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The node ids a certificate vouches for: for each URI subject alternative name that starts with
 * exactly {@value #NODE_URI_PREFIX}, the rest of it. Nothing else names a node: not the subject's CN
 * and not a DNS name, because those are shared with host names (a node certificate lists the hosts
 * it is reached by, which may equal another node's id) and with client certificates of the same CA
 * (a client "ops" would otherwise pass for node "ops").
 *
 * <p>Peers are reached by IP address, so the transport does not verify host names; it checks
 * instead that the certificate names the node id a peer claims (inbound) or the node it meant to
 * reach (outbound), and at start-up that this node's own certificate names it. Stateless.
 */
final class CertificateNames {

  /** Must equal {@code io.bellwether.pki.CertificateAuthority.NODE_URI_PREFIX} (a test checks). */
  static final String NODE_URI_PREFIX = "urn:bellwether:node:";

  private static final int SAN_DNS = 2;
  private static final int SAN_URI = 6;
  private static final int SAN_IP = 7;

  private CertificateNames() {}

  /**
   * The node ids in {@code certificate}'s node URIs, without duplicates; never null. Case-sensitive
   * and exact: {@code URN:bellwether:node:n1} or {@code urn:bellwether:node:n1/x} do not name n1.
   */
  static Set<String> nodeIds(X509Certificate certificate) {
    Set<String> ids = new LinkedHashSet<>();
    for (List<?> san : alternativeNames(certificate)) {
      if (san.size() >= 2 && Integer.valueOf(SAN_URI).equals(san.get(0))) {
        String uri = String.valueOf(san.get(1));
        if (uri.startsWith(NODE_URI_PREFIX) && uri.length() > NODE_URI_PREFIX.length()) {
          ids.add(uri.substring(NODE_URI_PREFIX.length()));
        }
      }
    }
    return ids;
  }

  /** Whether {@code certificate} names node {@code nodeId} (see {@link #nodeIds}). */
  static boolean names(X509Certificate certificate, String nodeId) {
    return nodeIds(certificate).contains(nodeId);
  }

  /**
   * What a certificate names, for messages: its subject and every DNS, IP and URI alternative name,
   * e.g. {@code CN=ops (no alternative names)}.
   */
  static String describe(X509Certificate certificate) {
    List<String> names = new ArrayList<>();
    for (List<?> san : alternativeNames(certificate)) {
      if (san.size() < 2) continue;
      Object type = san.get(0);
      String prefix = Integer.valueOf(SAN_DNS).equals(type) ? "DNS:"
          : Integer.valueOf(SAN_URI).equals(type) ? "URI:"
          : Integer.valueOf(SAN_IP).equals(type) ? "IP:" : null;
      if (prefix != null) names.add(prefix + san.get(1));
    }
    return certificate.getSubjectX500Principal().getName()
        + (names.isEmpty() ? " (no alternative names)" : " " + names);
  }

  /**
   * The certificate chain {@code socket}'s peer presented in its TLS handshake, leaf first, or an
   * empty list when it presented none (a plaintext socket, or a handshake without a client
   * certificate).
   */
  static List<X509Certificate> peerChain(NetSocket socket) {
    try {
      List<Certificate> chain = socket.peerCertificates();
      List<X509Certificate> out = new ArrayList<>();
      if (chain != null) {
        for (Certificate c : chain) {
          if (c instanceof X509Certificate x) out.add(x);
        }
      }
      return out;
    } catch (SSLPeerUnverifiedException e) {
      return List.of(); // no certificate: names nobody
    }
  }

  /** The node ids in the leaf of {@code chain} (see {@link #nodeIds}); empty when there is none. */
  static Set<String> nodeIds(List<X509Certificate> chain) {
    return chain.isEmpty() ? Set.of() : nodeIds(chain.get(0));
  }

  private static Collection<List<?>> alternativeNames(X509Certificate certificate) {
    try {
      Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
      return sans == null ? List.of() : sans;
    } catch (CertificateParsingException e) {
      return List.of(); // an undecodable SAN extension (or a malformed URI in it) names nobody
    }
  }
}
