package io.bellwether.core.inmem;

import io.bellwether.core.message.Message;
import io.bellwether.core.spi.TransportException;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-JVM network joining the {@link InMemoryTransport}s of one cluster in a single process: for
 * embedding several nodes in one JVM (demos, tests of an application) and for the test kit.
 *
 * <p>Messages are passed as the immutable objects they are, never encoded. One daemon delivery
 * thread hands each message to its receiver's handler, so messages on one link stay in order as long
 * as that link's delay does not change. How each directed link behaves (its delay, whether a message
 * arrives) is asked of the {@link LinkConditions} given at construction: {@link
 * LinkConditions#PERFECT} for a network that loses nothing. Whether a message arrives is asked when it
 * is delivered, so a link that starts losing messages also loses those already on it.
 *
 * <p>Thread-safe: nodes send from their own threads.
 */
public final class InMemoryNetwork implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(InMemoryNetwork.class);

  private final LinkConditions links;
  private final ScheduledExecutorService delivery;
  private final ConcurrentMap<String, InMemoryTransport> receivers = new ConcurrentHashMap<>();
  private final AtomicLong deliveredCount = new AtomicLong();
  private final AtomicLong droppedCount = new AtomicLong();
  private volatile boolean closed;

  /** A network that loses nothing, named {@code inmem}. */
  public InMemoryNetwork() {
    this("inmem", LinkConditions.PERFECT);
  }

  /**
   * A network whose links behave as {@code links} says.
   *
   * @param name names the delivery thread, to tell networks apart in a thread dump
   * @param links asked on every send (delay) and delivery (arrives or not), from any thread
   */
  public InMemoryNetwork(String name, LinkConditions links) {
    this.links = Objects.requireNonNull(links, "links");
    this.delivery = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "bellwether-network-" + name);
      thread.setDaemon(true);
      return thread;
    });
  }

  /** A new, unstarted transport for {@code nodeId}; it receives once started. */
  public InMemoryTransport transport(String nodeId) {
    return new InMemoryTransport(this, Objects.requireNonNull(nodeId, "nodeId"));
  }

  /** Messages handed to a receiver's handler so far. */
  public long deliveredCount() {
    return deliveredCount.get();
  }

  /**
   * Messages dropped so far: lost on their link, for an unknown, unstarted or closed node, or after
   * close.
   */
  public long droppedCount() {
    return droppedCount.get();
  }

  /** Stops the delivery thread; messages on the way are lost. Idempotent. */
  @Override
  public void close() {
    closed = true;
    delivery.shutdownNow();
  }

  boolean isClosed() {
    return closed;
  }

  /** Makes {@code transport} the receiver for its node id. */
  void register(InMemoryTransport transport) {
    receivers.compute(transport.nodeId(), (id, existing) -> {
      if (existing != null && existing != transport && !existing.isClosed()) {
        throw new TransportException("node id " + id + " is already receiving on this network");
      }
      return transport;
    });
  }

  void unregister(InMemoryTransport transport) {
    receivers.remove(transport.nodeId(), transport);
  }

  /** Queues {@code message} from {@code from} for delivery; never blocks, never throws. */
  void route(String from, Message message) {
    long delayMillis = links.delayMillis(from, message.to());
    try {
      delivery.schedule(() -> deliver(from, message), delayMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closedNetwork) {
      countDropped();
    }
  }

  void countDropped() {
    droppedCount.incrementAndGet();
  }

  private void deliver(String from, Message message) {
    if (!links.delivers(from, message.to())) {
      countDropped();
      return;
    }
    InMemoryTransport receiver = receivers.get(message.to());
    if (receiver == null) {
      countDropped();
      refused(from, message.to());
      return;
    }
    try {
      if (receiver.receive(message)) {
        deliveredCount.incrementAndGet();
      } else {
        countDropped();
        refused(from, message.to());
      }
    } catch (RuntimeException e) {
      // A handler must not throw; if one does, the delivery thread must still serve the others.
      log.warn("inbound handler of {} threw on {}", message.to(), message, e);
      countDropped();
    }
  }

  /**
   * Nobody receives for {@code to} (stopped, or never started): like a refused TCP connection, the
   * sender hears of it. A message lost on its link, like one lost in a partition, tells nothing.
   */
  private void refused(String from, String to) {
    InMemoryTransport sender = receivers.get(from);
    if (sender == null) return;
    try {
      sender.peerUnreachable(to);
    } catch (RuntimeException e) {
      log.warn("inbound handler of {} threw on a hint about {}", from, to, e);
    }
  }
}
