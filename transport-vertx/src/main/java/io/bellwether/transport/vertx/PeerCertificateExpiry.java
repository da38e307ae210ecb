package io.bellwether.transport.vertx;

import io.vertx.core.Vertx;
import java.security.cert.X509Certificate;

/**
 * Closing a peer connection when the certificate it was opened with expires: TLS checks validity
 * only during the handshake, so without this a connection would outlive its certificate for as long
 * as it stays up. Stateless.
 */
final class PeerCertificateExpiry {

  private PeerCertificateExpiry() {}

  /**
   * Runs {@code onExpired} on the calling context just after {@code leaf}'s notAfter (at once when
   * that has passed). Call on an event loop; returns the Vert.x timer id, for cancelling.
   */
  static long schedule(Vertx vertx, X509Certificate leaf, Runnable onExpired) {
    // notAfter is the last valid instant: fire just past it, so the certificate is expired by then.
    long delayMs = leaf.getNotAfter().getTime() + 1 - System.currentTimeMillis();
    return vertx.setTimer(Math.max(1, delayMs), id -> onExpired.run());
  }

  /** The log reason for a connection closed because {@code leaf} expired. */
  static String reason(X509Certificate leaf) {
    return "the peer's certificate (" + leaf.getSubjectX500Principal().getName() + ") expired at "
        + leaf.getNotAfter().toInstant();
  }
}
