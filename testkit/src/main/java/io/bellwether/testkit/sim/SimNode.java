package io.bellwether.testkit.sim;

import io.bellwether.core.Membership;
import io.bellwether.core.engine.EngineBugs;
import io.bellwether.core.engine.InjectedBug;
import io.bellwether.core.engine.RaftConfig;
import io.bellwether.core.engine.RaftEngine;
import io.bellwether.core.engine.SnapshotPorts;
import io.bellwether.core.engine.Role;
import io.bellwether.core.kv.KvStorage;
import io.bellwether.core.kv.LeaseKeeper;
import io.bellwether.core.message.Message;
import io.bellwether.core.message.RequestVote;
import io.bellwether.core.message.RequestVoteResponse;
import io.bellwether.core.runtime.NodeDriver;
import io.bellwether.core.runtime.RuntimeBugs;
import io.bellwether.core.runtime.SnapshotPolicy;
import io.bellwether.core.spi.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * One node of the simulated cluster across its lives. While up, a real {@link NodeDriver} runs the
 * engine, the store and the key-value state machine, exactly as {@code RaftNode} assembles them; a
 * crash throws the driver and its memory away and keeps only the disk (a {@link SimLogStore} crash
 * copy); a restart rebuilds everything from that disk. A paused node keeps its memory but takes no
 * steps: its clock stops, its messages and client requests wait.
 */
final class SimNode {

  enum State {
    UP,
    PAUSED,
    DOWN
  }

  final String id;

  /**
   * The configuration this node starts with when its disk holds none: the founding voters for a
   * founding node, {@link Membership#EMPTY} for a spare, in every life (its disk's data wins).
   */
  final Membership bootstrap;
  private final RaftConfig raftConfig;
  private final Set<InjectedBug> bugs;
  private final SnapshotPolicy snapshotPolicy;
  private final SimNetwork network;
  private final Invariants invariants;
  private final int requestTimeoutTicks;

  private State state = State.DOWN;
  private SimLogStore store;
  private NodeDriver driver;
  private SimStateMachine stateMachine;
  /** A new storage for each life of this node (the on-disk one reopens the node's directory). */
  private final Function<String, KvStorage> kvStorage;
  private SimTransport transport;
  private final LeaseLoad leaseLoad;
  /** This life's lease clocks (a listener of its state machine), or null when the run has no leases. */
  private LeaseKeeper keeper;
  /** Set by the cluster when the run has leases: told of every lease command applied. */
  LeaseExpiryCheck leaseCheck;

  /** Chance that this node's clock ticks in a global tick: below 1 models a slow clock. */
  double clockRate = 1.0;

  /** Bounded clocks only: the fraction of a tick this clock has counted towards its next tick. */
  double clockPhase;

  /** Bounded clocks only: ticks this clock counted while the node was paused. */
  long owedTicks;

  /** Client requests that arrived while paused, run on resume (a frozen process's socket buffer). */
  private final List<Runnable> deferred = new ArrayList<>();

  /**
   * This life's clock reading (engine ticks) when it last took a message from a leader of its
   * current term or a later one, or {@link Long#MIN_VALUE}; set by the cluster as it delivers.
   */
  long lastLeaderContactTick = Long.MIN_VALUE;

  /**
   * The promise leader leases rest on (thesis §4.2.3): no (pre-)vote is granted within an election
   * timeout of this node's own ticks after it last heard from a leader, whatever its term and leader
   * field say by then. Checked on every grant as it leaves, independently of how the engine decides.
   */
  private void checkVotePromise(Message m) {
    if (m instanceof RequestVote rv && !driver.engine().membership().isVoter(id)) {
      // Thesis §4.2.2: a learner, a node not yet added and one removed never campaign.
      throw new SimFailure(id + " asked " + rv.to() + " for a " + (rv.preVote() ? "pre-vote" : "vote")
          + " in term " + rv.term() + " but is no voter in its configuration "
          + driver.engine().membership());
    }
    if (!(m instanceof RequestVoteResponse r) || !r.voteGranted()) return;
    // The leader asked for this election (TimeoutNow) and gave up its lease first: the promise it
    // protected is released; the lease checks still catch a leader that did not give it up.
    if (!r.preVote() && r.term() == transferVoteTerm && r.to().equals(transferCandidate)) return;
    if (lastLeaderContactTick == Long.MIN_VALUE || !raftConfig.checkQuorum()) return;
    long since = driver.engine().ticks() - lastLeaderContactTick;
    if (since < raftConfig.electionTimeoutTicks()) {
      throw new SimFailure("Vote promise broken: " + id + " granted " + r.to() + " a "
          + (r.preVote() ? "pre-vote" : "vote") + " for term " + r.term() + " " + since
          + " of its ticks after it last heard from a leader (an election timeout is "
          + raftConfig.electionTimeoutTicks() + ")");
    }
  }

  /** The last vote request this node got from a leadership transfer's candidate, and its term. */
  private String transferCandidate;
  private long transferVoteTerm = -1;

  void transferVoteAsked(String candidate, long term) {
    transferCandidate = candidate;
    transferVoteTerm = term;
  }

  /** What the invariant checker saw of this life so far. */
  long observedCommit;

  long observedApplied;

  SimNode(String id, Membership bootstrap, SimConfig config, SimNetwork network, Invariants invariants) {
    this(id, bootstrap, config, network, invariants, node -> KvStorage.inMemory());
  }

  SimNode(String id, Membership bootstrap, SimConfig config, SimNetwork network,
      Invariants invariants, Function<String, KvStorage> kvStorage) {
    this.id = id;
    this.kvStorage = kvStorage;
    this.bootstrap = bootstrap;
    this.raftConfig = config.raft();
    this.bugs = config.bugs();
    this.snapshotPolicy = config.snapshots();
    this.network = network;
    this.invariants = invariants;
    this.requestTimeoutTicks = config.requestTimeoutTicks();
    this.store = new SimLogStore(id, invariants);
    this.leaseLoad = config.leases();
  }

  /** Starts a new life from what the disk holds, as {@code RaftNode} does. */
  void start(SplittableRandom engineRandom) {
    if (state != State.DOWN) throw new IllegalStateException(id + " is already running");
    stateMachine = new SimStateMachine(id, invariants, leaseCheck, kvStorage.apply(id));
    if (leaseLoad.on()) {
      // As a node assembles it: the keeper follows the state machine from its first restore on, and
      // reads this life's own clock (engine ticks, which a paused node is fed on resume).
      keeper = new LeaseKeeper(this::leaseClockNanos, SimLeaseClients.EXPIRY_RETRY_TICKS * SimLeaseClients.TICK_NANOS);
      stateMachine.addListener(keeper);
    }
    Optional<Snapshot> snapshot = store.snapshot();
    long appliedIndex = 0;
    if (snapshot.isPresent()) {
      stateMachine.restore(snapshot.get().lastIndex(), snapshot.get().data());
      appliedIndex = snapshot.get().lastIndex();
    }
    // Else a new state machine starts empty and replays the committed log from index 1. The engine
    // reads the entries after the snapshot through the store, as RaftNode's does (a catch-up tail
    // before it is covered by it), and later reads back those its cache let go.
    // As RaftNode does: snapshots travel in the state machine's own exported form.
    SimStateMachine sm = stateMachine;
    SnapshotPorts ports = new SnapshotPorts(s -> sm.exportSnapshot(s.lastIndex(), s.data()), sm::receiveSnapshot);
    RaftEngine engine = new RaftEngine(id, bootstrap, raftConfig, engineRandom, store.hardState(),
        snapshot.orElse(null), store, store.lastIndex(), ports);
    transport = new SimTransport(network, this::checkVotePromise);
    // A node restarted with history may have acknowledged a leader just before it stopped: its
    // promise runs from its start (the engine's quiet period), as if it had just heard a leader.
    boolean history = store.hardState().term() > 0 || store.lastIndex() > 0 || snapshot.isPresent();
    lastLeaderContactTick = history ? 0 : Long.MIN_VALUE;
    EngineBugs.plant(engine, bugs);
    driver = new NodeDriver(engine, store, transport, stateMachine, appliedIndex,
        requestTimeoutTicks, 1_000, snapshotPolicy);
    RuntimeBugs.plant(driver, bugs);
    observedCommit = engine.commitIndex();
    observedApplied = appliedIndex;
    state = State.UP;
  }

  /**
   * Runs {@code action} against the driver, then carries out every effect ({@link NodeDriver#flush}).
   *
   * @throws SimLogStore.Crash if a crash was armed and the flush reached a sync
   */
  void run(Runnable action) {
    if (state != State.UP) throw new IllegalStateException(id + " is " + state);
    action.run();
    driver.flush();
  }

  /** Dies now: pending requests fail, memory is lost, the disk keeps what a crash keeps. */
  void crash(Random diskRandom, String why) {
    if (state == State.DOWN) return;
    driver.failAllPending(why);
    transport.close();
    store = store.afterCrash(diskRandom);
    driver = null;
    stateMachine.close();
    stateMachine = null;
    keeper = null;
    deferred.clear();
    network.release(id);
    state = State.DOWN;
  }

  void pause() {
    if (state != State.UP) return;
    state = State.PAUSED;
    owedTicks = 0;
    network.hold(id);
  }

  /** Resumes; the requests that waited are handed over now (the caller flushes via {@link #run}). */
  List<Runnable> resume() {
    if (state != State.PAUSED) return List.of();
    state = State.UP;
    network.release(id);
    List<Runnable> waiting = List.copyOf(deferred);
    deferred.clear();
    return waiting;
  }

  void defer(Runnable request) {
    deferred.add(request);
  }

  void armCrashAtNextSync() {
    store.crashAtNextSync(true);
  }

  void disarmCrash() {
    store.crashAtNextSync(false);
  }

  State state() {
    return state;
  }

  boolean isUp() {
    return state == State.UP;
  }

  boolean isLeader() {
    return state != State.DOWN && driver.engine().role() == Role.LEADER;
  }

  /** The driver of the current life; null while down. */
  NodeDriver driver() {
    return driver;
  }

  RaftEngine engine() {
    return driver == null ? null : driver.engine();
  }

  SimStateMachine stateMachine() {
    return stateMachine;
  }

  /** This life's lease clocks; null while down or when the run has no leases. */
  LeaseKeeper keeper() {
    return keeper;
  }

  /**
   * Tells the keeper this node does not lead. The planted {@code NO_RESET_ON_NEW_TERM} never does (so,
   * with {@link #keeperTerm}, its keeper resets its deadlines only the first time its node leads).
   */
  void keeperFollows() {
    if (leaseLoad.bug() != LeaseLoad.LeaseBug.NO_RESET_ON_NEW_TERM) keeper.follow();
  }

  /**
   * The term to tell the keeper this node leads in. The planted {@code NO_RESET_ON_NEW_TERM} says 1
   * always.
   */
  long keeperTerm() {
    return leaseLoad.bug() == LeaseLoad.LeaseBug.NO_RESET_ON_NEW_TERM ? 1 : driver.engine().term();
  }

  /** The keeper's clock: this life's ticks (twice them with the planted {@code EXPIRES_AT_HALF_TTL}). */
  private long leaseClockNanos() {
    if (driver == null) return 0; // restoring at start: the engine's clock starts at 0 too
    long nanos = driver.engine().ticks() * SimLeaseClients.TICK_NANOS;
    return leaseLoad.bug() == LeaseLoad.LeaseBug.EXPIRES_AT_HALF_TTL ? 2 * nanos : nanos;
  }

  SimLogStore store() {
    return store;
  }

  /** The configuration this node's log says is in effect: its newest entry's, its snapshot's, or the bootstrap. */
  Membership configInLog() {
    Membership inLog = store.newestConfig();
    return inLog == null ? bootstrap : inLog;
  }

  /** The node's term: the engine's while it runs, else what its disk would restart it with. */
  long term() {
    return driver == null ? store.hardState().term() : driver.engine().term();
  }

  @Override
  public String toString() {
    if (state == State.DOWN) return id + "[down]";
    RaftEngine e = driver.engine();
    return id + "[" + state.name().toLowerCase() + " " + e.role().name().toLowerCase() + " term="
        + e.term() + " last=" + e.lastIndex() + " commit=" + e.commitIndex() + " applied="
        + driver.appliedIndex() + " voters=" + e.membership().voters()
        + (e.membership().learners().isEmpty() ? "" : " learners=" + e.membership().learners()) + "]";
  }
}
