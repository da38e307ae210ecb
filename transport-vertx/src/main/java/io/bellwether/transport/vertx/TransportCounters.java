package io.bellwether.transport.vertx;

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
}
