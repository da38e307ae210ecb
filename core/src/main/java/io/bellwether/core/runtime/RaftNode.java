package io.bellwether.core.runtime;

import io.bellwether.core.HardState;
import io.bellwether.core.LogEntry;
import io.bellwether.core.OutcomeUnknownException;
import io.bellwether.core.RequestFailedException;
import io.bellwether.core.RequestFailedException.Reason;
import io.bellwether.core.engine.RaftConfig;
import io.bellwether.core.engine.RaftEngine;
import io.bellwether.core.message.Message;
import io.bellwether.core.spi.LogStore;
import io.bellwether.core.spi.Snapshot;
import io.bellwether.core.spi.StateMachine;
import io.bellwether.core.spi.Transport;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * <p>Futures returned by {@link #propose} and {@link #query} complete on the node thread: callers
 * must not block in their callbacks (use the {@code *Async} variants to hop elsewhere).
 *
 * <p>The node owns the transport and store it was built with and closes them in {@link #close()}.
 */
public final class RaftNode implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RaftNode.class);

  private interface Event {}

  /** A peer's message and when it arrived ({@link System#nanoTime()}). */
  private record Inbound(Message message, long arrivedNanos) implements Event {}

  private record Propose(byte[] command, CompletableFuture<Applied> future) implements Event {}

  private record Query(
      byte[] query, ReadConsistency consistency, long minIndex, CompletableFuture<QueryResult> future)
      implements Event {}

  private record Stop() implements Event {}

  /** The transport lost its connection to a peer. */
  private record PeerUnreachable(String peer) implements Event {}

  /** Work for the node thread was queued in {@code onNodeThread} (by the snapshot writer). */
  private record Wake() implements Event {}

  private final String nodeId;
  private final LogStore store;
  private final Transport transport;
  private final NodeDriver driver;
  private final BlockingQueue<Event> inbox;
  private final long tickNanos;
  private final int maxDrain;
  private final long maxCatchUpTicks;
  private final Thread thread;
  private final AtomicLong droppedInbound = new AtomicLong();
  /** Writes snapshot files, so that the node thread never waits for one (see NodeDriver). */
  private final ExecutorService snapshotWriter;
  private final Queue<Runnable> onNodeThread = new ConcurrentLinkedQueue<>();

  private volatile NodeStatus status;
  private volatile boolean accepting;
  private volatile String failure;
  /**
   * Test kit only (same package): runs in {@link #offerRequest} between reading {@link #accepting}
   * and offering to the inbox, so a test can stop the node exactly there. Does nothing otherwise.
   */
  private volatile Runnable betweenCheckAndOffer = () -> {};
  /** The event the node thread is handing to the driver; node thread only. */
  private Event inHand;
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();

  private RaftNode(Builder b) {
    this.nodeId = b.nodeId;
    this.store = b.store;
    this.transport = b.transport;
    this.inbox = new ArrayBlockingQueue<>(b.inboxCapacity);
    this.tickNanos = b.effectiveTick.toNanos();
    this.maxDrain = b.maxDrain;
    this.maxCatchUpTicks = 4L * b.effectiveRaftConfig.electionTimeoutTicks();

    HardState hardState = store.hardState();
    Optional<Snapshot> snapshot = store.snapshot();
    long appliedIndex = 0;
    if (snapshot.isPresent()) {
      b.stateMachine.restore(snapshot.get().lastIndex(), snapshot.get().data());
      appliedIndex = snapshot.get().lastIndex();
    }
    // The engine's log starts right after the snapshot; a catch-up tail the store kept before it is
    // covered by the snapshot and not needed in memory.
    long from = Math.max(store.firstIndex(), appliedIndex + 1);
    List<LogEntry> entries =
        from <= store.lastIndex() ? store.entries(from, store.lastIndex() + 1, Long.MAX_VALUE) : List.of();
    RaftEngine engine =
        new RaftEngine(
            nodeId, b.voters, b.effectiveRaftConfig, b.random, hardState, snapshot.orElse(null), entries);
    int timeoutTicks = (int) Math.max(1, b.requestTimeout.toNanos() / tickNanos);
    this.driver =
        new NodeDriver(
            engine, store, transport, b.stateMachine, appliedIndex, timeoutTicks, b.maxPendingRequests,
            b.snapshotPolicy);
    this.driver.observe(b.observer);
    this.snapshotWriter = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "bellwether-snapshot-" + nodeId);
      t.setDaemon(true);
      return t;
    });
    this.driver.writeSnapshotsOn(snapshotWriter, task -> {
      onNodeThread.add(task);
      inbox.offer(new Wake()); // when the inbox is full the loop is busy and will see the task anyway
    });
    this.status = driver.status(false, null);
    this.thread = new Thread(this::run, "bellwether-node-" + nodeId);
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
    transport.start(new Transport.InboundHandler() {
      @Override
      public void onMessage(Message message) {
        offerInbound(message);
      }

      @Override
      public void onPeerUnreachable(String peer) {
        inbox.offer(new PeerUnreachable(peer)); // a hint: lost when the inbox is full, like a message
      }
    });
    accepting = true;
    thread.start();
    LOG.info("node {} started: voters={} lastIndex={}", nodeId, status.voters(), status.lastIndex());
    return this;
  }

  private void offerInbound(Message m) {
    if (!inbox.offer(new Inbound(m, System.nanoTime()))) droppedInbound.incrementAndGet();
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
    offerRequest(new Propose(command, f), f);
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
    offerRequest(new Query(query, consistency, minIndex, f), f);
    return f;
  }

  private void offerRequest(Event e, CompletableFuture<?> f) {
    boolean wasAccepting = accepting;
    betweenCheckAndOffer.run();
    if (!wasAccepting) {
      f.completeExceptionally(
          new RequestFailedException(Reason.SHUTTING_DOWN, "node " + nodeId + " is not running"));
    } else if (!inbox.offer(e)) {
      f.completeExceptionally(
          new RequestFailedException(Reason.OVERLOADED, "node " + nodeId + " inbox is full; retry later"));
    } else if (!accepting && inbox.remove(e)) {
      // The node stopped between the check above and the offer: its thread may already have failed
      // what the inbox held and gone, and nobody would ever answer this request. Taking it back out
      // proves the node thread never saw it (remove and the thread's poll cannot both get it), so
      // "certainly not done" is true. If remove finds nothing, the node thread took it and answers it.
      rejectUnhandled(e);
    }
  }

  /** Test kit only: see {@link #betweenCheckAndOffer}. */
  void betweenCheckAndOffer(Runnable hook) {
    this.betweenCheckAndOffer = Objects.requireNonNull(hook, "hook");
  }

  /**
   * Completes when the node thread has ended: normally after {@link #close()}, exceptionally with the
   * cause when the node stopped on its own on an unrecoverable error (a storage failure, a broken
   * invariant). A process embedding the node should treat the latter as fatal: the node no longer
   * takes part in the cluster, and restarting it from its durable state is the only way back.
   * Callbacks run on the node thread and must not block.
   */
  public CompletableFuture<Void> stopped() {
    return stopped;
  }

  /** The node as of its last batch of work. Thread-safe, never blocks. */
  public NodeStatus status() {
    return status;
  }

  public String nodeId() {
    return nodeId;
  }

  /** Inbound messages dropped because the inbox was full. */
  public long droppedInbound() {
    return droppedInbound.get();
  }

  private void run() {
    Throwable fatal = null;
    long lastTick = System.nanoTime();
    try {
      while (true) {
        long wait = lastTick + tickNanos - System.nanoTime();
        Event first = wait > 0 ? inbox.poll(wait, TimeUnit.NANOSECONDS) : inbox.poll();
        boolean stop = false;
        Event e = first;
        for (int drained = 0; e != null; e = ++drained < maxDrain ? inbox.poll() : null) {
          inHand = e;
          lastTick = tickElapsed(lastTick, timeOf(e));
          if (!handle(e)) {
            stop = true;
            break;
          }
        }
        inHand = null;
        for (Runnable task; (task = onNodeThread.poll()) != null; ) task.run();
        // Time up to now, or only up to the next waiting message when the batch was cut at maxDrain.
        Event next = inbox.peek();
        lastTick = tickElapsed(lastTick, next == null ? System.nanoTime() : timeOf(next));
        driver.flush(); // persist + sync once for the whole batch, then send, then apply
        status = driver.status(true, null);
        if (stop) break;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      // A storage failure or a broken invariant: stop rather than act on state we cannot trust.
      fatal = e;
      failure = e.toString();
      LOG.error("node {} stopped on an unrecoverable error", nodeId, e);
    } finally {
      accepting = false;
      snapshotWriter.shutdown(); // a write in progress finishes; its result is never switched to
      driver.failAllPending("node " + nodeId + " stopped");
      if (inHand != null) failInHand(inHand);
      Event e;
      while ((e = inbox.poll()) != null) rejectUnhandled(e);
      status = driver.status(false, failure);
      if (fatal == null) stopped.complete(null); else stopped.completeExceptionally(fatal);
    }
  }

  /**
   * The moment an event belongs to. A peer's message counts from when it arrived: the node may have
   * been busy (a slow sync, a GC pause) while it waited in the inbox, and feeding that busy time
   * first would make a heartbeat that came in time look late, so a busy follower would start an
   * election and a busy leader would step down (check-quorum) for no fault of their peers'. This is
   * safe for the lease: a follower's vote refusal then counts from the heartbeat's arrival, which is
   * after the leader sent it. A client's request counts from now: before a lease read, the engine
   * must know all the time that has passed, also across a pause.
   */
  private static long timeOf(Event e) {
    return e instanceof Inbound in ? in.arrivedNanos() : System.nanoTime();
  }

  /**
   * Feeds the driver one tick per tick length elapsed from {@code lastTick} to {@code upTo} (nothing
   * if {@code upTo} is earlier: time never runs backwards). After a long pause that is many ticks at
   * once (capped: enough to expire every timer and lease, no more).
   *
   * @return the time the last tick fed stands for
   */
  private long tickElapsed(long lastTick, long upTo) {
    long elapsed = (upTo - lastTick) / tickNanos;
    if (elapsed <= 0) return lastTick;
    for (long i = 0; i < Math.min(elapsed, maxCatchUpTicks); i++) driver.tick();
    return lastTick + elapsed * tickNanos;
  }

  private boolean handle(Event e) {
    if (e instanceof Inbound in) {
      driver.receive(in.message());
    } else if (e instanceof Propose p) {
      driver.propose(p.command(), p.future());
    } else if (e instanceof Query q) {
      driver.query(q.query(), q.consistency(), q.minIndex(), q.future());
    } else if (e instanceof PeerUnreachable u) {
      driver.peerUnreachable(u.peer());
    } else if (e instanceof Stop) {
      return false;
    } // Wake: nothing, the loop runs the queued tasks after the batch
    return true;
  }

  /**
   * The node stopped while handing {@code e} to the driver (the driver or the engine threw). The
   * driver may or may not have registered it: {@link NodeDriver#failAllPending} answered it if it
   * did (completing a future twice changes nothing), and otherwise nobody else ever will. A proposal
   * may already be in the engine's log, so its fate is unknown; a read has no effect to be unsure of.
   */
  private void failInHand(Event e) {
    String why = "node " + nodeId + " stopped while taking this request";
    if (e instanceof Propose p) {
      p.future().completeExceptionally(
          new OutcomeUnknownException(OutcomeUnknownException.Reason.SHUTTING_DOWN, why));
    }
    if (e instanceof Query q) {
      q.future().completeExceptionally(new RequestFailedException(Reason.SHUTTING_DOWN, why));
    }
  }

  /** Fails a request the node thread never took from the inbox: it certainly did not happen. */
  private void rejectUnhandled(Event e) {
    RequestFailedException stopped =
        new RequestFailedException(Reason.SHUTTING_DOWN, "node " + nodeId + " stopped");
    if (e instanceof Propose p) p.future().completeExceptionally(stopped);
    if (e instanceof Query q) q.future().completeExceptionally(stopped);
  }

  /**
   * Stops the node: pending proposals fail as outcome unknown, pending reads as shutting down; then
   * closes the transport and the store. Blocks until the node thread has ended. Idempotent.
   */
  @Override
  public void close() {
    accepting = false;
    if (thread.isAlive()) {
      while (!inbox.offer(new Stop())) {
        // Make room. What is dropped never reaches the node thread, so it is answered here, as
        // certainly not done: the thread's own drain at exit will never see it.
        Event dropped = inbox.poll();
        if (dropped != null) rejectUnhandled(dropped);
      }
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    stopped.complete(null); // no-op unless the thread never started
    snapshotWriter.shutdown();
    try {
      // A snapshot write must not outlive the store it writes into.
      if (!snapshotWriter.awaitTermination(30, TimeUnit.SECONDS)) {
        LOG.warn("node {}: snapshot writer still busy after 30 s; closing anyway", nodeId);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    transport.close();
    store.close();
    LOG.info("node {} closed", nodeId);
  }

  /** Assembles a node. Every component is given explicitly; nothing is chosen from the classpath. */
  public static final class Builder {
    private String nodeId;
    private Set<String> voters;
    private RaftConfig raftConfig;
    private RaftConfig effectiveRaftConfig; // what build() settled on, from raftConfig and tick
    private Duration effectiveTick;
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

    /** Every voting member, this node included. */
    public Builder voters(Set<String> voters) {
      this.voters = Set.copyOf(voters);
      return this;
    }

    /**
     * Engine settings; {@link RaftConfig#DEFAULT} (with the {@link #tick} given, if any) when not
     * set. Its {@link RaftConfig#tickMicros()} must equal the {@link #tick} if both are set.
     */
    public Builder raftConfig(RaftConfig config) {
      this.raftConfig = java.util.Objects.requireNonNull(config, "raftConfig");
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
      this.tick = java.util.Objects.requireNonNull(tick, "tick");
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
      this.snapshotPolicy = java.util.Objects.requireNonNull(policy, "snapshotPolicy");
      return this;
    }

    /** Hears syncs and role changes on the node thread (for metrics); must never block. */
    public Builder observer(NodeObserver observer) {
      this.observer = java.util.Objects.requireNonNull(observer, "observer");
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
      require(voters != null && voters.contains(nodeId), "voters must include nodeId " + nodeId);
      require(store != null, "store is required");
      require(transport != null, "transport is required");
      require(stateMachine != null, "stateMachine is required");
      resolveTick();
      require(requestTimeout.compareTo(effectiveTick) >= 0, "requestTimeout must be at least one tick");
      require(inboxCapacity >= 16, "inboxCapacity must be >= 16");
      require(maxPendingRequests >= 1, "maxPendingRequests must be >= 1");
      require(maxDrain >= 1, "maxDrain must be >= 1");
      if (random == null) random = new SplittableRandom();
      return new RaftNode(this);
    }

    /**
     * Settles the tick length and the engine's idea of it: one follows the other when only one is
     * given; both given must agree, and a disagreement is refused naming both values.
     */
    private void resolveTick() {
      if (tick != null) {
        require(!tick.isNegative() && !tick.isZero(), "tick must be positive: " + tick);
        require(tick.toNanos() % 1_000 == 0, "tick must be a whole number of microseconds: " + tick);
      }
      effectiveRaftConfig = raftConfig;
      effectiveTick = tick;
      if (raftConfig == null) {
        effectiveRaftConfig = tick == null
            ? RaftConfig.DEFAULT
            : RaftConfig.DEFAULT.withTickMicros(tick.toNanos() / 1_000);
      } else if (tick == null) {
        effectiveTick = Duration.ofNanos(raftConfig.tickMicros() * 1_000);
      } else {
        require(tick.toNanos() / 1_000 == raftConfig.tickMicros(),
            "tick " + tick.toNanos() / 1_000 + "us (Builder.tick) and RaftConfig.tickMicros "
                + raftConfig.tickMicros() + "us disagree: the engine tells its peers the tick its "
                + "lease is sized from, so it must be the tick the node really runs; set one of "
                + "them, or both to the same value");
      }
    }

    private static void require(boolean ok, String message) {
      if (!ok) throw new IllegalArgumentException(message);
    }
  }
}
