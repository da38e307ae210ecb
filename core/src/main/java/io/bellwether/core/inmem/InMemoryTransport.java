package io.bellwether.core.inmem;

import io.bellwether.core.message.Message;
import io.bellwether.core.spi.Transport;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * One node's {@link Transport} on an {@link InMemoryNetwork}; built by {@link
 * InMemoryNetwork#transport(String)}. Inbound messages arrive on the network's delivery thread.
 * Messages to a node that is unknown, not started or closed are dropped and counted by the network,
 * and the sender is told the peer is unreachable, as a refused connection would.
 */
public final class InMemoryTransport implements Transport {

  private final InMemoryNetwork network;
  private final String nodeId;
  private volatile InboundHandler inbound;
  private volatile boolean closed;
  private final LongAdder sent = new LongAdder();
  private final LongAdder received = new LongAdder();

  InMemoryTransport(InMemoryNetwork network, String nodeId) {
    this.network = network;
    this.nodeId = nodeId;
  }

  /** The node this transport sends from and receives for. */
  public String nodeId() {
    return nodeId;
  }

  /**
   * Starts receiving messages addressed to {@link #nodeId()}.
   *
   * @throws io.bellwether.core.spi.TransportException if another open transport on the network
   *     already receives for this node id
   * @throws IllegalStateException if started twice or after close
   */
  @Override
  public void start(InboundHandler inbound) {
    Objects.requireNonNull(inbound, "inbound");
    synchronized (this) {
      if (closed || this.inbound != null) {
        throw new IllegalStateException("transport of " + nodeId + " already started or closed");
      }
      this.inbound = inbound;
    }
    network.register(this);
  }

  /** Queues {@code message} for delivery from this node; after close it is dropped and counted. */
  @Override
  public void send(Message message) {
    if (closed) {
      network.countDropped();
      return;
    }
    sent.increment();
    network.route(nodeId, message);
  }

  /**
   * {@code messages_sent} (handed to the network while open) and {@code messages_received} (handed to
   * the handler); what the network drops is counted by the network. Thread-safe, never blocks.
   */
  @Override
  public Map<String, Long> counters() {
    return Map.of("messages_sent", sent.sum(), "messages_received", received.sum());
  }

  @Override
  public void close() {
    closed = true;
    network.unregister(this);
  }

  boolean isClosed() {
    return closed;
  }

  /** Tells the handler that {@code peerId} cannot be reached (see the network's delivery). */
  void peerUnreachable(String peerId) {
    InboundHandler handler = inbound;
    if (!closed && handler != null) handler.onPeerUnreachable(peerId);
  }

  /** Hands {@code message} to the handler; false when there is none (not started, or closed). */
  boolean receive(Message message) {
    InboundHandler handler = inbound;
    if (closed || handler == null) return false;
    received.increment();
    handler.onMessage(message);
    return true;
  }
}
