package io.bellwether.testkit.inmem;

import io.bellwether.core.inmem.InMemoryNetwork;
import io.bellwether.core.inmem.InMemoryTransport;
import io.bellwether.core.inmem.LinkConditions;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.UnaryOperator;

/**
 * Core's {@link InMemoryNetwork} with faults per directed link (from one node to another) that a test
 * sets while the cluster runs: cut links, partitions, isolated nodes, drop rates and delays.
 *
 * <p>A cut or a drop is decided when a message is delivered, so cutting a link also drops the
 * messages already on it. A delay applies to messages sent after it was set. A cut link tells the
 * sender nothing, like a partition (a stopped node, unlike a cut link, is reported as unreachable by
 * the network).
 *
 * <p>Thread-safe: nodes send from their own threads while tests change faults from theirs.
 */
public final class FaultyNetwork implements LinkConditions, AutoCloseable {

  private final Random random;
  private final InMemoryNetwork network;
  private final Set<String> knownNodes = ConcurrentHashMap.newKeySet();
  private final ConcurrentMap<Link, Faults> faults = new ConcurrentHashMap<>();

  /** A network with no faults yet, drawing drops from an unseeded generator. */
  public FaultyNetwork() {
    this("faulty", new Random());
  }

  /**
   * A network with no faults yet.
   *
   * @param name names the delivery thread, to tell networks apart in a thread dump
   * @param random decides which messages a drop rate drops
   */
  public FaultyNetwork(String name, Random random) {
    this.random = Objects.requireNonNull(random, "random");
    this.network = new InMemoryNetwork(name, this);
  }

  /** A new, unstarted transport for {@code nodeId}; it receives once started. */
  public InMemoryTransport transport(String nodeId) {
    knownNodes.add(Objects.requireNonNull(nodeId, "nodeId"));
    return network.transport(nodeId);
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
    return network.deliveredCount();
  }

  /** Messages dropped so far: by a fault, for an unknown, unstarted or closed node, or after close. */
  public long droppedCount() {
    return network.droppedCount();
  }

  /** Stops the delivery thread; messages on the way are lost. Idempotent. */
  @Override
  public void close() {
    network.close();
  }

  /** Called by the network on the sending thread. */
  @Override
  public long delayMillis(String from, String to) {
    return faultsOf(from, to).delayMillis();
  }

  /** Called by the network on its delivery thread. */
  @Override
  public boolean delivers(String from, String to) {
    Faults f = faultsOf(from, to);
    return !f.cut() && !(f.dropRate() > 0 && random.nextDouble() < f.dropRate());
  }

  private Faults faultsOf(String from, String to) {
    return faults.getOrDefault(new Link(from, to), Faults.NONE);
  }

  private void update(String from, String to, UnaryOperator<Faults> change) {
    faults.compute(new Link(from, to), (link, f) -> change.apply(f == null ? Faults.NONE : f));
  }

  private record Link(String from, String to) {
    Link {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
    }
  }

  private record Faults(boolean cut, double dropRate, long delayMillis) {
    static final Faults NONE = new Faults(false, 0, 0);

    Faults withCut(boolean value) {
      return new Faults(value, dropRate, delayMillis);
    }

    Faults withDropRate(double value) {
      return new Faults(cut, value, delayMillis);
    }

    Faults withDelayMillis(long value) {
      return new Faults(cut, dropRate, value);
    }
  }
}
