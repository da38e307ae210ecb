package io.bellwether.transport.vertx;

import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log line and the count of TLS handshakes this node's server refused (a peer without a
 * certificate, with one from another CA or expired, or that does not speak TLS). Every refusal is
 * counted; the WARN lines are limited to {@value #LINES_PER_WINDOW} per {@value #WINDOW_SECONDS} s,
 * because a scanner or a misconfigured peer retrying with back-off must not flood the log. The next
 * line after a quiet spell says how many were left out. Thread-safe (synchronized, called rarely).
 */
final class TlsRefusalLog {

  private static final Logger LOG = LoggerFactory.getLogger(TlsRefusalLog.class);
  static final int LINES_PER_WINDOW = 5;
  static final int WINDOW_SECONDS = 10;

  private final String nodeId;
  private final TransportCounters counters;
  private long windowStartNanos = System.nanoTime();
  private int linesInWindow;
  private long suppressed;

  TlsRefusalLog(String nodeId, TransportCounters counters) {
    this.nodeId = nodeId;
    this.counters = counters;
  }

  /** Counts one refused TLS handshake and logs why, unless too many were logged lately. */
  synchronized void refused(Throwable cause) {
    counters.tlsRefused.increment();
    long now = System.nanoTime();
    if (now - windowStartNanos > TimeUnit.SECONDS.toNanos(WINDOW_SECONDS)) {
      windowStartNanos = now;
      linesInWindow = 0;
    }
    if (linesInWindow >= LINES_PER_WINDOW) {
      suppressed++;
      LOG.debug("node {}: refused a peer connection in its TLS handshake: {}", nodeId, reason(cause));
      return;
    }
    linesInWindow++;
    String more = suppressed == 0 ? "" : " (" + suppressed + " more refusals not logged before this one)";
    suppressed = 0;
    LOG.warn("node {}: refused a peer connection in its TLS handshake: {}{}", nodeId, reason(cause), more);
  }

  /** Longest reason logged: Netty quotes a whole non-TLS record in hex, which is the peer's data. */
  private static final int MAX_REASON_CHARS = 200;

  /** The innermost message, which is where the JDK says what was wrong with the certificate. */
  static String reason(Throwable cause) {
    for (Throwable t = cause; t != null && t.getCause() != t; t = t.getCause()) {
      // Netty's message quotes the record in hex: the peer's plaintext, not worth a log line.
      if (t.getClass().getSimpleName().equals("NotSslRecordException")) {
        return "the peer does not speak TLS (plaintext, or another protocol)";
      }
      if (t instanceof java.security.cert.CertPathBuilderException) {
        return "the peer's certificate was not issued by this cluster's CA (" + t.getMessage() + ")";
      }
    }
    Throwable t = cause;
    String message = null;
    while (t != null) {
      if (t.getMessage() != null) message = t.getClass().getSimpleName() + ": " + t.getMessage();
      if (t.getCause() == t) break;
      t = t.getCause();
    }
    String reason = message != null ? message : cause.toString();
    return reason.length() <= MAX_REASON_CHARS ? reason : reason.substring(0, MAX_REASON_CHARS) + "...";
  }
}
