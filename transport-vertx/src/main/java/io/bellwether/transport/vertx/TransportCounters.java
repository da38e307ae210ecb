package io.bellwether.transport.vertx;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counters a {@link VertxTransport} keeps ({@link VertxTransport#stats()}): cumulative since
 * start, written from any thread, read from any thread without blocking.
 */
public final class TransportCounters {
  final LongAdder sent = new LongAdder();
  final LongAdder droppedQueueFull = new LongAdder();
  final LongAdder droppedUnreachable = new LongAdder();
  final LongAdder droppedUnencodable = new LongAdder();
  final LongAdder received = new LongAdder();
  final LongAdder rejectedConnections = new LongAdder();
  final LongAdder decodeErrors = new LongAdder();
  /** Connections refused for their peer's identity: a failed TLS handshake, or a certificate that does not name the claimed or dialled node. */
  final LongAdder tlsRefused = new LongAdder();
  final LongAdder tlsReloads = new LongAdder();
  /** Open connections closed because the peer's certificate expired, or a reloaded CA does not trust it. */
  final LongAdder closedUntrusted = new LongAdder();

  /** Messages handed to a peer's socket. */
  public long sentCount() {
    return sent.sum();
  }

  /** Messages dropped because their peer's outbound queue was full. */
  public long droppedQueueFullCount() {
    return droppedQueueFull.sum();
  }

  /**
   * Messages dropped because their peer could not be reached: unknown to discovery, this node
   * itself, a failed connect (what was queued is dropped), or the transport not running.
   */
  public long droppedUnreachableCount() {
    return droppedUnreachable.sum();
  }

  /** Messages dropped because they could not be encoded (larger than the frame limit). */
  public long droppedUnencodableCount() {
    return droppedUnencodable.sum();
  }

  /** Messages received, decoded and handed to the inbound handler. */
  public long receivedCount() {
    return received.sum();
  }

  /**
   * Inbound connections refused: not a Bellwether handshake, another cluster, an unknown or own node
   * id, a handshake that never came, or a message whose sender differs from the handshake.
   */
  public long rejectedConnectionCount() {
    return rejectedConnections.sum();
  }

  /** Inbound connections closed for a frame length out of bounds or a frame that did not decode. */
  public long decodeErrorCount() {
    return decodeErrors.sum();
  }

  /**
   * Connections refused for the peer's identity (with peer TLS only): inbound TLS handshakes that
   * failed (no certificate, another CA, expired, not TLS), inbound peers whose certificate does not
   * name the node id they claim, and outbound connections to a peer whose certificate does not name
   * the node dialled.
   */
  public long tlsRefusedConnectionCount() {
    return tlsRefused.sum();
  }

  /**
   * Open connections (inbound or outbound) closed because the peer's certificate expired, or a
   * reload of the peer TLS files put in force a CA that does not trust it.
   */
  public long closedUntrustedConnectionCount() {
    return closedUntrusted.sum();
  }

  /** Times changed peer TLS files were checked and put in force since start. */
  public long tlsReloadCount() {
    return tlsReloads.sum();
  }

  /**
   * Each counter by the name {@link io.bellwether.core.spi.Transport#counters()} promises. The names
   * are what dashboards and alerts use: never rename one, only add.
   */
  Map<String, Long> snapshot() {
    Map<String, Long> out = new LinkedHashMap<>();
    out.put("messages_sent", sent.sum());
    out.put("messages_received", received.sum());
    out.put("messages_dropped_queue_full", droppedQueueFull.sum());
    out.put("messages_dropped_unreachable", droppedUnreachable.sum());
    out.put("messages_dropped_unencodable", droppedUnencodable.sum());
    out.put("connections_rejected", rejectedConnections.sum());
    out.put("connections_tls_refused", tlsRefused.sum());
    out.put("decode_errors", decodeErrors.sum());
    out.put("tls_reloads", tlsReloads.sum());
    out.put("connections_closed_untrusted", closedUntrusted.sum());
    return out;
  }
}
