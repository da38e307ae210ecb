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
}
