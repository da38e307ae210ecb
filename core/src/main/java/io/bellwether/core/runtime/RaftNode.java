package io.bellwether.core.runtime;

import io.bellwether.core.HardState;
import io.bellwether.core.OutcomeUnknownException;
import io.bellwether.core.RequestFailedException;
import io.bellwether.core.RequestFailedException.Reason;
import io.bellwether.core.engine.RaftConfig;
import io.bellwether.core.engine.RaftEngine;
import io.bellwether.core.engine.SnapshotPorts;
import io.bellwether.core.spi.LogStore;
import io.bellwether.core.Member;
import io.bellwether.core.Membership;
import io.bellwether.core.spi.Snapshot;
import io.bellwether.core.spi.StateMachine;
import io.bellwether.core.spi.Transport;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToLongFunction;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Bellwether node: the Singular Update Queue around a {@link NodeDriver}.
 *
 * <p>A single thread owns the engine, the store and the state machine. Everything else (transport
 * threads delivering messages, clients proposing and reading) only offers events to a bounded inbox;
 * a full inbox turns a client request away at once as {@link Reason#OVERLOADED} and drops an inbound
 * message (Raft retries). The thread drains up to {@code maxDrain} events, feeds them all to the
 * engine, then performs the effects with <b>one</b> sync: many writes, one fsync (group commit).
 *
 * <p>This class is the API clients and embedders call, and assembles the node from its {@link
 * Builder} (restoring the engine and state machine from the store); the thread, the inbox and the
 * node's life from start to stop are {@link NodeLoop}'s.
 *
 * <p>Futures returned by {@link #propose} and {@link #query} complete on the node thread: callers
 * must not block in their callbacks (use the {@code *Async} variants to hop elsewhere).
 *
 * <p>The node owns the transport and store it was built with and closes them in {@link #close()}.
 */
public final class RaftNode implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RaftNode.class);

  private final String nodeId;
  private final NodeLoop loop;
  private final long promotionMaxLag;

  private RaftNode(Builder b, TickSettings settled) {
    this.nodeId = b.nodeId;
    this.promotionMaxLag = b.promotionMaxLag;
    LogStore store = b.store;
    HardState hardState = store.hardState();
    Optional<Snapshot> snapshot = store.snapshot();
    long appliedIndex = 0;
    if (snapshot.isPresent()) {
      b.stateMachine.restore(snapshot.get().lastIndex(), snapshot.get().data());
      appliedIndex = snapshot.get().lastIndex();
    }
    // The engine's log starts right after the snapshot (a catch-up tail the store kept before it is
    // covered by the snapshot). It reads the stored log through the store, keeping only its newest
    // entries in memory, so a log longer than the heap does not have to fit in it.
    // Snapshots go out in the state machine's transferred form and come in through its sinks, so
    // that one need not fit in the heap (an on-disk state machine streams its files).
    StateMachine sm = b.stateMachine;
    SnapshotPorts ports = new SnapshotPorts(
        s -> sm.exportSnapshot(s.lastIndex(), s.data()), sm::receiveSnapshot);
    RaftEngine engine = new RaftEngine(nodeId, b.bootstrap, settled.raftConfig(), b.random, hardState,
        snapshot.orElse(null), new StoreLogReader(store), store.lastIndex(), ports);
    long tickNanos = settled.tick().toNanos();
    int timeoutTicks = (int) Math.max(1, b.requestTimeout.toNanos() / tickNanos);
    NodeDriver driver = new NodeDriver(engine, store, b.transport, b.stateMachine, appliedIndex,
        timeoutTicks, b.maxPendingRequests, b.snapshotPolicy);
    driver.observe(b.observer);
    // After a pause, feed enough ticks to expire every timer and lease, no more.
    long maxCatchUpTicks = 4L * settled.raftConfig().electionTimeoutTicks();
    this.loop = new NodeLoop(nodeId, driver, store, b.transport, b.inboxCapacity, tickNanos,
        b.maxDrain, maxCatchUpTicks);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts the transport and the node thread. The node begins as a follower and elects or finds a
   * leader on its own.
   *
   * @throws io.bellwether.core.spi.TransportException if the transport cannot start
   */
  public RaftNode start() {
    loop.start();
    NodeStatus status = loop.status();
    LOG.info("node {} started: configuration {} lastIndex={}", nodeId, status.membership(),
        status.lastIndex());
    return this;
  }

  /**
   * Proposes a state machine command. Thread-safe, never blocks.
   *
   * @return completes with the applied result once a majority holds the entry durably and this
   *     node applied it; fails with {@link RequestFailedException} (certainly not applied) or
   *     {@link io.bellwether.core.OutcomeUnknownException} (may have been applied)
   */
  public CompletableFuture<Applied> propose(byte[] command) {
    Objects.requireNonNull(command, "command");
    CompletableFuture<Applied> f = new CompletableFuture<>();
    loop.propose(command, f);
    return f;
  }

  /**
   * Hands this node's leadership to {@code target}, another voter, or to the voter whose log is
   * furthest along when {@code target} is null (Raft thesis §3.10), so that a planned restart or a
   * move costs no election timeout. Writes arriving meanwhile wait, then go on here (the transfer
   * was given up) or fail as NOT_LEADER naming the new leader. Thread-safe, never blocks.
   *
   * @return completes with the new leader's id once another node leads (this node's id when it is
   *     the target); fails with {@link RequestFailedException} when this node does not lead or the
   *     target is not a voter (nothing moved), with {@link OutcomeUnknownException} when the
   *     leadership has not moved within two election timeouts
   */
  public CompletableFuture<String> transferLeadership(String target) {
    CompletableFuture<String> f = new CompletableFuture<>();
    loop.transferLeadership(target, f);
    return f;
  }

  /**
   * Adds {@code member} to the cluster as a learner: it receives the log (a snapshot first if it is
   * far behind) and serves reads, but does not vote (Raft thesis §4). Leader only; the same member at
   * the same endpoints again is answered at once with the current configuration. Thread-safe,
   * never blocks.
   *
   * @return completes with the configuration that has it, once that is committed and applied here;
   *     fails with {@link RequestFailedException} (NOT_LEADER, NO_LEADER, CONFLICT,
   *     CHANGE_IN_PROGRESS: certainly not changed) or {@link io.bellwether.core.OutcomeUnknownException}
   */
  public CompletableFuture<Membership> addLearner(Member member) {
    Objects.requireNonNull(member, "member");
    return changeMembership(engine -> engine.addLearner(member));
  }

  /**
   * Makes learner {@code memberId} a voter once it is caught up: at most the builder's {@link
   * Builder#promotionMaxLag} entries behind the leader, having answered within an election timeout;
   * otherwise fails at once with NOT_CAUGHT_UP and its lag. Otherwise as {@link #addLearner}.
   */
  public CompletableFuture<Membership> promote(String memberId) {
    Objects.requireNonNull(memberId, "memberId");
    return changeMembership(engine -> engine.promote(memberId, promotionMaxLag));
  }

  /**
   * Removes member {@code memberId}, learner or voter (NOT_A_MEMBER, LAST_VOTER otherwise). A leader
   * that removes itself steps down once the change is committed; hand the leadership over first
   * ({@link #transferLeadership}) to spare the cluster an election. Otherwise as {@link #addLearner}.
   */
  public CompletableFuture<Membership> removeMember(String memberId) {
    Objects.requireNonNull(memberId, "memberId");
    return changeMembership(engine -> engine.removeMember(memberId));
  }

  private CompletableFuture<Membership> changeMembership(ToLongFunction<RaftEngine> change) {
    CompletableFuture<Membership> f = new CompletableFuture<>();
    loop.changeMembership(change, f);
    return f;
  }

  /**
   * Answers a state machine query at the given consistency. Thread-safe, never blocks.
   *
   * @param minIndex for {@link ReadConsistency#STALE}: wait until this node applied at least this
   *     index (0 for no wait); ignored otherwise
   */
  public CompletableFuture<QueryResult> query(
      byte[] query, ReadConsistency consistency, long minIndex) {
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(consistency, "consistency");
    CompletableFuture<QueryResult> f = new CompletableFuture<>();
    loop.query(query, consistency, minIndex, f);
    return f;
  }

  /**
   * Completes when the node thread has ended: normally after {@link #close()}, exceptionally with the
   * cause when the node stopped on its own on an unrecoverable error (a storage failure, a broken
   * invariant). A process embedding the node should treat the latter as fatal: the node no longer
   * takes part in the cluster, and restarting it from its durable state is the only way back.
   * Callbacks run on the node thread and must not block.
   */
  public CompletableFuture<Void> stopped() {
    return loop.stopped();
  }

  /** The node as of its last batch of work. Thread-safe, never blocks. */
  public NodeStatus status() {
    return loop.status();
  }

  public String nodeId() {
    return nodeId;
  }

  /** Inbound messages dropped because the inbox was full. */
  public long droppedInbound() {
    return loop.droppedInbound();
  }

  /**
   * Stops the node: pending proposals fail as outcome unknown, pending reads as shutting down; then
   * closes the transport and the store. Blocks until the node thread has ended. Idempotent.
   */
  @Override
  public void close() {
    loop.close();
    LOG.info("node {} closed", nodeId);
  }

  /** Assembles a node. Every component is given explicitly; nothing is chosen from the classpath. */
  public static final class Builder {
    private String nodeId;
    private Membership bootstrap;
    private long promotionMaxLag = 1000;
    private RaftConfig raftConfig;
    private LogStore store;
    private Transport transport;
    private StateMachine stateMachine;
    private RandomGenerator random;
    private Duration tick;
    private Duration requestTimeout = Duration.ofSeconds(5);
    private int inboxCapacity = 10_000;
    private int maxPendingRequests = 10_000;
    private int maxDrain = 512;
    private SnapshotPolicy snapshotPolicy = SnapshotPolicy.DEFAULT;
    private NodeObserver observer = NodeObserver.NONE;

    public Builder nodeId(String id) {
      this.nodeId = id;
      return this;
    }

    /**
     * Bootstraps a new cluster whose voters are {@code voters}, this node included, the same on
     * every founding node. Used only when the store holds no configuration yet: once a node has
     * data, the configuration in its log or snapshot wins (membership changes live there).
     */
    public Builder voters(Set<String> voters) {
      return bootstrap(Membership.ofVoters(voters));
    }

    /** As {@link #voters}, with each member's endpoints; this node must be one of its voters. */
    public Builder bootstrap(Membership configuration) {
      this.bootstrap = Objects.requireNonNull(configuration, "configuration");
      return this;
    }

    /**
     * Starts a node that joins a running cluster: with no configuration of its own, it never starts
     * an election, and waits until a leader adds it ({@link RaftNode#addLearner}) and sends it the
     * log. A node that restarts with its data uses the configuration stored there.
     */
    public Builder joining() {
      this.bootstrap = Membership.EMPTY;
      return this;
    }

    /** How many entries behind its leader a learner may be and still be promoted; 1000 by default. */
    public Builder promotionMaxLag(long entries) {
      this.promotionMaxLag = entries;
      return this;
    }

    /**
     * Engine settings; {@link RaftConfig#DEFAULT} (with the {@link #tick} given, if any) when not
     * set. Its {@link RaftConfig#tickMicros()} must equal the {@link #tick} if both are set.
     */
    public Builder raftConfig(RaftConfig config) {
      this.raftConfig = Objects.requireNonNull(config, "raftConfig");
      return this;
    }

    public Builder store(LogStore store) {
      this.store = store;
      return this;
    }

    public Builder transport(Transport transport) {
      this.transport = transport;
      return this;
    }

    public Builder stateMachine(StateMachine stateMachine) {
      this.stateMachine = stateMachine;
      return this;
    }

    /** Source of election-timeout randomness; a fresh unseeded one by default. */
    public Builder random(RandomGenerator random) {
      this.random = random;
      return this;
    }

    /**
     * Length of one engine tick (election timeouts and heartbeats are counted in ticks), a whole
     * number of microseconds; by default the {@link #raftConfig}'s {@link RaftConfig#tickMicros()},
     * 50 ms in {@link RaftConfig#DEFAULT}. The engine must know the tick the runtime really feeds it:
     * its heartbeats tell followers the tick and election timeout its lease is sized from, and a
     * follower acknowledges the lease only if its own promise lasts as long. So {@link #build()}
     * refuses a tick that disagrees with an explicitly set {@code raftConfig}, rather than pick one.
     */
    public Builder tick(Duration tick) {
      this.tick = Objects.requireNonNull(tick, "tick");
      return this;
    }

    /** How long a client request may wait before failing (timeout = outcome unknown for writes). */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = timeout;
      return this;
    }

    public Builder inboxCapacity(int capacity) {
      this.inboxCapacity = capacity;
      return this;
    }

    public Builder maxPendingRequests(int max) {
      this.maxPendingRequests = max;
      return this;
    }

    /** When to snapshot the state machine and compact the log. */
    public Builder snapshotPolicy(SnapshotPolicy policy) {
      this.snapshotPolicy = Objects.requireNonNull(policy, "snapshotPolicy");
      return this;
    }

    /** Hears syncs and role changes on the node thread (for metrics); must never block. */
    public Builder observer(NodeObserver observer) {
      this.observer = Objects.requireNonNull(observer, "observer");
      return this;
    }

    /** Most events handled before one persist/sync/send/apply round. */
    public Builder maxDrain(int max) {
      this.maxDrain = max;
      return this;
    }

    /**
     * Builds the node (reading the store to restore the engine and the state machine).
     *
     * @throws IllegalArgumentException naming the missing or invalid setting
     * @throws io.bellwether.core.spi.StorageException if the store cannot be read
     */
    public RaftNode build() {
      require(nodeId != null && !nodeId.isBlank(), "nodeId is required");
      require(bootstrap != null, "voters (or bootstrap, or joining) is required");
      require(bootstrap.members().isEmpty() || bootstrap.isVoter(nodeId),
          "the bootstrap voters must include nodeId " + nodeId);
      require(promotionMaxLag >= 0, "promotionMaxLag must be >= 0");
      require(store != null, "store is required");
      require(transport != null, "transport is required");
      require(stateMachine != null, "stateMachine is required");
      TickSettings settled = TickSettings.resolve(tick, raftConfig);
      require(requestTimeout.compareTo(settled.tick()) >= 0, "requestTimeout must be at least one tick");
      require(inboxCapacity >= 16, "inboxCapacity must be >= 16");
      require(maxPendingRequests >= 1, "maxPendingRequests must be >= 1");
      require(maxDrain >= 1, "maxDrain must be >= 1");
      if (random == null) random = new SplittableRandom();
      return new RaftNode(this, settled);
    }

    private static void require(boolean ok, String message) {
      if (!ok) throw new IllegalArgumentException(message);
    }
  }
}
