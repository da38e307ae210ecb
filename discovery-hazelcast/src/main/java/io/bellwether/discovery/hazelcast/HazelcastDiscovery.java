package io.bellwether.discovery.hazelcast;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.core.LifecycleListener;
import io.bellwether.core.spi.Discovery;
import io.bellwether.core.spi.PeerAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Discovery} backed by one embedded Hazelcast member per node. The member joins through the
 * configured seeds and announces this node's addresses as member attributes; every membership change
 * recomputes the view from Hazelcast's member list.
 *
 * <p>Threads: Hazelcast calls back on its own event threads; those only recompute the view (a local,
 * non-blocking read under a short lock) and hand delivery to this discovery's single listener thread,
 * so a slow listener can never stall Hazelcast, and listeners hear views in order.
 *
 * <p>Hazelcast's failure detection is slow (see {@link HazelcastDiscoverySettings#maxNoHeartbeat}): a
 * peer in the view may be dead. Only addresses come from here; Raft's own heartbeats decide liveness.
 */
public final class HazelcastDiscovery implements Discovery {

  private static final Logger log = LoggerFactory.getLogger(HazelcastDiscovery.class);
  private static final long NODE_ID_POLL_MILLIS = 100;

  private enum State { NEW, STARTING, STARTED, CLOSED }

  private final HazelcastDiscoverySettings settings;
  private final PeerAddress self;
  private final ExecutorService delivery;
  private final Object lock = new Object();

  // Guarded by lock.
  private State state = State.NEW;
  private HazelcastInstance member;
  private Listener listener;
  private final Set<UUID> reported = new HashSet<>();

  private volatile Map<String, PeerAddress> peers;
  /** The view the listener last heard; touched only on the delivery thread. */
  private Map<String, PeerAddress> delivered;

  public HazelcastDiscovery(HazelcastDiscoverySettings settings, PeerAddress self) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.self = Objects.requireNonNull(self, "self");
    this.peers = Map.of(self.nodeId(), self);
    this.delivery = Executors.newSingleThreadExecutor(runnable -> {
      Thread thread = new Thread(runnable, "bellwether-discovery-" + self.nodeId());
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * Starts the member and blocks until it has joined (or formed) its cluster.
   *
   * @throws IllegalStateException if the member cannot start, or a member that joined earlier still
   *     announces this node's id after {@link HazelcastDiscoverySettings#nodeIdReleaseWait()}
   */
  @Override
  public void start(Listener listener) {
    Objects.requireNonNull(listener, "listener");
    synchronized (lock) {
      if (state != State.NEW) throw new IllegalStateException("discovery of node " + self.nodeId() + " is " + state);
      state = State.STARTING;
      this.listener = listener;
    }
    HazelcastInstance started = startMember();
    awaitNodeIdFree(started);
    synchronized (lock) {
      if (state == State.CLOSED) { // closed while joining
        started.shutdown();
        throw new IllegalStateException("discovery of node " + self.nodeId() + " was closed while starting");
      }
      member = started;
      state = State.STARTED;
    }
    // Events before STARTED were ignored: catch up on them here. The listener always hears once.
    refresh();
    delivery.execute(this::deliverLatest);
    log.info("Node {} joined Hazelcast cluster '{}' at {}, seeing {}",
        self.nodeId(), settings.clusterName(), settings.bind(), peers.keySet());
  }

  @Override
  public Optional<PeerAddress> lookup(String nodeId) {
    return Optional.ofNullable(peers.get(nodeId));
  }

  @Override
  public Map<String, PeerAddress> peers() {
    return peers;
  }

  /** Leaves the cluster gracefully (peers drop this node within about a second) and stops delivering. Idempotent. */
  @Override
  public void close() {
    HazelcastInstance toStop;
    synchronized (lock) {
      if (state == State.CLOSED) return;
      state = State.CLOSED;
      toStop = member;
    }
    delivery.shutdown();
    if (toStop != null) {
      try {
        toStop.shutdown();
      } catch (RuntimeException e) {
        log.warn("Hazelcast member of node {} did not shut down cleanly", self.nodeId(), e);
      }
    }
  }

  /** The embedded member, for tests that simulate a crash; {@code null} until started. */
  HazelcastInstance member() {
    synchronized (lock) {
      return member;
    }
  }

  private HazelcastInstance startMember() {
    try {
      // Listeners go in the config, so none of the member's events can be missed.
      return Hazelcast.newHazelcastInstance(MemberConfigFactory.create(settings, self, new MembershipListener() {
        @Override public void memberAdded(MembershipEvent event) { refresh(); }
        @Override public void memberRemoved(MembershipEvent event) { refresh(); }
      }, (LifecycleListener) this::onLifecycle));
    } catch (RuntimeException e) {
      close();
      throw new IllegalStateException("Hazelcast member of node " + self.nodeId() + " could not start on "
          + HazelcastDiscoverySettings.BIND + "=" + settings.bind() + ": " + e.getMessage(), e);
    }
  }

  /**
   * A member that joined earlier owns the id. It may be this node's previous run, crashed or paused and
   * not yet removed, so wait (bounded) for it to drop out; if it stays, it is alive: leave rather than
   * compete for the id.
   */
  private void awaitNodeIdFree(HazelcastInstance started) {
    Optional<PeerView.Duplicate> holder = holderOfOwnId(started);
    if (holder.isEmpty()) return;
    Duration wait = settings.nodeIdReleaseWait();
    log.warn("{}; waiting up to {}s for it to leave, in case it is this node's previous run",
        duplicateMessage(holder.get()), wait.toSeconds());
    long deadline = System.nanoTime() + wait.toNanos();
    try {
      while (holder.isPresent() && System.nanoTime() < deadline && !isClosed()) {
        Thread.sleep(NODE_ID_POLL_MILLIS);
        holder = holderOfOwnId(started);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (holder.isEmpty() || isClosed()) return; // a close during the wait is reported by start()
    String message = duplicateMessage(holder.get()) + "; the first is still a member after " + wait.toSeconds()
        + "s, so this one leaves. Give every node a unique node id.";
    log.error(message);
    started.shutdown();
    close();
    throw new IllegalStateException(message);
  }

  private static Optional<PeerView.Duplicate> holderOfOwnId(HazelcastInstance started) {
    return PeerView.of(started.getCluster().getMembers()).duplicates().stream()
        .filter(duplicate -> duplicate.claimant().localMember())
        .findFirst();
  }

  private boolean isClosed() {
    synchronized (lock) {
      return state == State.CLOSED;
    }
  }

  private void refresh() {
    synchronized (lock) {
      if (state != State.STARTED) return;
      Set<Member> members;
      try {
        members = member.getCluster().getMembers();
      } catch (RuntimeException e) { // the member is going down; its last view stands
        return;
      }
      PeerView view = PeerView.of(members);
      reportAnomalies(view);
      if (!view.peers().equals(peers)) {
        peers = view.peers();
        delivery.execute(this::deliverLatest);
      }
    }
  }

  /** Each anomaly is logged once per member, not on every later change. */
  private void reportAnomalies(PeerView view) {
    Set<UUID> present = new HashSet<>();
    view.duplicates().forEach(d -> present.add(d.claimant().getUuid()));
    view.unnamed().forEach(m -> present.add(m.getUuid()));
    reported.retainAll(present);
    for (PeerView.Duplicate duplicate : view.duplicates()) {
      if (reported.add(duplicate.claimant().getUuid())) log.error(duplicateMessage(duplicate) + "; ignoring the later one");
    }
    for (Member unnamed : view.unnamed()) {
      if (reported.add(unnamed.getUuid())) {
        log.warn("Hazelcast member {} in cluster '{}' announces no Bellwether address; ignoring it",
            unnamed.getAddress(), settings.clusterName());
      }
    }
  }

  private static String duplicateMessage(PeerView.Duplicate duplicate) {
    return "Two Hazelcast members claim node id '" + duplicate.nodeId() + "': " + duplicate.holder().getAddress()
        + " (joined first, keeps it) and " + duplicate.claimant().getAddress();
  }

  private void deliverLatest() {
    Map<String, PeerAddress> latest = peers;
    Listener target;
    synchronized (lock) {
      if (state != State.STARTED || latest.equals(delivered)) return;
      target = listener;
    }
    delivered = latest;
    try {
      target.onPeersChanged(latest);
    } catch (RuntimeException e) {
      log.error("Discovery listener of node {} failed on view {}", self.nodeId(), latest.keySet(), e);
    }
  }

  private void onLifecycle(LifecycleEvent event) {
    switch (event.getState()) {
      case MERGED -> refresh();
      case SHUTTING_DOWN -> {
        synchronized (lock) {
          if (state == State.STARTED) {
            log.error("Hazelcast member of node {} is shutting down on its own; peers() stays at its last view",
                self.nodeId());
          }
        }
      }
      default -> { }
    }
  }
}
