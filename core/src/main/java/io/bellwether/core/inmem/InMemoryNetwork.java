package io.bellwether.core.inmem;

import io.bellwether.core.message.Message;
import io.bellwether.core.spi.TransportException;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-JVM network joining the {@link InMemoryTransport}s of one test cluster, with faults per
 * directed link (from one node to another) that tests set while the cluster runs.
 *
 * <p>Messages are passed as the immutable objects they are, never encoded. One daemon delivery
 * thread hands each message to its receiver's handler, so messages on one link stay in order as long
 * as that link's delay does not change. Faults are checked when a message is delivered, so cutting a
 * link also drops the messages already on it.
 *
 * <p>Thread-safe: nodes send from their own threads while tests change faults from theirs.
 */
public final class InMemoryNetwork implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(InMemoryNetwork.class);

  private final Random random;
  private final ScheduledExecutorService delivery;
  private final Set<String> knownNodes = ConcurrentHashMap.newKeySet();
  private final ConcurrentMap<String, InMemoryTransport> receivers = new ConcurrentHashMap<>();
  private final ConcurrentMap<Link, LinkFaults> faults = new ConcurrentHashMap<>();
  private final AtomicLong deliveredCount = new AtomicLong();
  private final AtomicLong droppedCount = new AtomicLong();
  private volatile boolean closed;

  /** A network with no faults, named {@code inmem}, drawing drops from an unseeded generator. */
  public InMemoryNetwork() {
    this("inmem", new Random());
  }

  /**
   * A network with no faults.
   *
   * @param name names the delivery thread, to tell networks apart in a thread dump
   * @param random decides which messages a drop rate drops; used only by the delivery thread
   */
  public InMemoryNetwork(String name, Random random) {
    this.random = Objects.requireNonNull(random, "random");
    this.delivery = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "bellwether-network-" + name);
      thread.setDaemon(true);
      return thread;
    });
  }

  /** A new, unstarted transport for {@code nodeId}; it receives once started. */
  public InMemoryTransport transport(String nodeId) {
    knownNodes.add(Objects.requireNonNull(nodeId, "nodeId"));
    return new InMemoryTransport(this, nodeId);
  }

  /** Drops every message from {@code from} to {@code to}, including those already on the way. */
  public void cut(String from, String to) {
    update(from, to, f -> f.withCut(true));
  }

  /** Cuts both directions between {@code a} and {@code b}. */
  public void cutBoth(String a, String b) {
    cut(a, b);
    cut(b, a);
  }

  /** Cuts both directions between {@code node} and every node known now (later ones stay reachable). */
  public void isolate(String node) {
    for (String other : knownNodes) {
      if (!other.equals(node)) cutBoth(node, other);
    }
  }

  /** Undoes {@link #cut} on the link from {@code from} to {@code to}; drop rate and delay stay. */
  public void heal(String from, String to) {
    update(from, to, f -> f.withCut(false));
  }

  /** Removes every fault from every link: cuts, drop rates and delays. */
  public void healAll() {
    faults.clear();
  }

  /** Drops each message from {@code from} to {@code to} with probability {@code rate} in [0, 1]. */
  public void setDropRate(String from, String to, double rate) {
    if (!(rate >= 0 && rate <= 1)) throw new IllegalArgumentException("drop rate must be in [0, 1]: " + rate);
    update(from, to, f -> f.withDropRate(rate));
  }

  /** Delays each later message from {@code from} to {@code to} by {@code delayMillis} (0 for none). */
  public void setDelayMillis(String from, String to, long delayMillis) {
    if (delayMillis < 0) throw new IllegalArgumentException("delay must be >= 0: " + delayMillis);
    update(from, to, f -> f.withDelayMillis(delayMillis));
  }

  /** Messages handed to a receiver's handler so far. */
  public long deliveredCount() {
    return deliveredCount.get();
  }

  /** Messages dropped so far: by a fault, for an unknown, unstarted or closed node, or after close. */
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
    long delayMillis = faultsOf(from, message.to()).delayMillis();
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
    LinkFaults linkFaults = faultsOf(from, message.to());
    boolean lost = linkFaults.cut() || random.nextDouble() < linkFaults.dropRate();
    if (lost) {
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
   * sender hears of it. A cut link, like a partition, tells nothing.
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

  private LinkFaults faultsOf(String from, String to) {
    return faults.getOrDefault(new Link(from, to), LinkFaults.NONE);
  }

  private void update(String from, String to, UnaryOperator<LinkFaults> change) {
    faults.compute(new Link(from, to), (link, f) -> change.apply(f == null ? LinkFaults.NONE : f));
  }

  private record Link(String from, String to) {
    Link {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
    }
  }

  private record LinkFaults(boolean cut, double dropRate, long delayMillis) {
    static final LinkFaults NONE = new LinkFaults(false, 0, 0);

    LinkFaults withCut(boolean value) {
      return new LinkFaults(value, dropRate, delayMillis);
    }

    LinkFaults withDropRate(double value) {
      return new LinkFaults(cut, value, delayMillis);
    }

    LinkFaults withDelayMillis(long value) {
      return new LinkFaults(cut, dropRate, value);
    }
  }
}
