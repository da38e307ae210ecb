package io.bellwether.transport.vertx;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** The counters a {@link VertxTransport} keeps; written from any thread, read by metrics. */
final class TransportCounters {
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
