package io.bellwether.core.spi;

import io.bellwether.core.message.Message;
import java.util.Map;

/**
 * Carries {@link Message}s between nodes. Two operations, like a socket: start receiving, and send.
 *
 * <p>Delivery is best effort: a message may be lost, duplicated or delayed, and Raft tolerates all
 * three (the engine retries on its own timers). A transport should keep messages from one sender to
 * one receiver in order when it can (one connection per pair of nodes), because reordering wastes
 * work, but correctness never depends on it.
 */
public interface Transport extends AutoCloseable {

  /**
   * Starts accepting inbound messages and hands each one to {@code inbound}, from the transport's own
   * threads. The handler never blocks (it offers the message to the node's bounded inbox and drops it
   * when the inbox is full). Called once, before any {@link #send}.
   *
   * @throws TransportException if the transport cannot listen (for example, its port is taken)
   */
  void start(InboundHandler inbound);

  /**
   * Queues {@code message} for {@code message.to()}. Called from the node's runtime thread. Never
   * blocks and never throws for I/O trouble: an unreachable peer, a full outbound queue or a closed
   * connection drop the message (and count it). Returns before the message is delivered.
   */
  void send(Message message);

  /**
   * What this transport has counted since it was created, by name, for a node to export as metrics
   * (node-app publishes each as {@code bellwether_transport_<name>_total}), so an operator sees
   * messages dropped and peers refused without reading logs.
   *
   * <p>Contract: names are stable snake_case ({@code [a-z][a-z0-9_]*}), and the same set on every call
   * (a node registers them once); each value is cumulative and never decreases, also after {@link
   * #close()}. Thread-safe, non-blocking and cheap (a scrape may call it once per counter): it may be
   * called from any thread, at any time, before start and after close. Never throws.
   *
   * <p>The default returns an empty map: a transport need not count anything.
   */
  default Map<String, Long> counters() {
    return Map.of();
  }

  /** Stops sending and receiving, closing connections. Idempotent; messages still queued are lost. */
  @Override
  void close();

  /** Receives messages addressed to this node, and hints about peers. */
  @FunctionalInterface
  interface InboundHandler {
    /** Called from a transport thread for each message that decoded cleanly. Must not block. */
    void onMessage(Message message);

    /**
     * Called from a transport thread when the connection to {@code peerId} closed or could not be
     * opened (refused, reset): a hint that the peer's process may be gone, which lets a follower
     * start an election sooner when its leader crashed. Must not block. A transport may call it
     * any number of times, or never (one that cannot tell); correctness never depends on it, only how
     * soon a crashed leader is replaced. The default ignores it.
     */
    default void onPeerUnreachable(String peerId) {}
  }
}
