package io.bellwether.core.runtime;

import io.bellwether.core.BellwetherException;
import io.bellwether.core.EntryType;
import io.bellwether.core.LogEntry;
import io.bellwether.core.RequestFailedException;
import io.bellwether.core.RequestFailedException.Reason;
import io.bellwether.core.engine.FailedRead;
import io.bellwether.core.engine.InjectedBug;
import io.bellwether.core.engine.RaftEngine;
import io.bellwether.core.engine.ReadState;
import io.bellwether.core.engine.Ready;
import io.bellwether.core.message.AppendEntries;
import io.bellwether.core.message.Heartbeat;
import io.bellwether.core.message.InstallSnapshot;
import io.bellwether.core.message.Message;
import io.bellwether.core.spi.LogStore;
import io.bellwether.core.Membership;
import io.bellwether.core.spi.Snapshot;
import io.bellwether.core.spi.StateMachine;
import io.bellwether.core.spi.Transport;
import java.util.Objects;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.ToLongFunction;

/**
 * Runs one node's engine and carries out its effects, on a single thread, without owning that
 * thread: {@link RaftNode} drives it from its own thread, the deterministic simulation from a test.
 *
 * <p>It keeps the client side of the bargain: each proposal waits for its index to be applied; each
 * read waits for its read index (or {@code minIndex}) to be applied; everything has a deadline in
 * ticks. A proposal is settled only by what this node applies at its index: its own entry (applied),
 * or another term's (certainly not applied: the committed entry at an index is final). That its own
 * log dropped the entry proves nothing, since a copy may survive on another node and commit there
 * (the Figure 8 shape of the Raft paper); such a proposal waits, and ends as outcome unknown if its
 * index is never applied here in time.
 *
 * <p>{@link #flush()} performs each {@link Ready} in the order the engine requires: persist and sync,
 * then send, then apply and answer, then {@link RaftEngine#advance}. The clients' side lives in
 * {@link PendingProposals}, {@link PendingReads} and {@link RequestDeadlines}; snapshots in {@link
 * LocalSnapshots}; what it tells the operator in {@link RoleChangeReports} and {@link
 * LeaseTimingReports}.
 */
public final class NodeDriver {

  private static final byte[] EMPTY = new byte[0];

  private final RaftEngine engine;
  private final LogStore store;
  private final Transport transport;
  private final StateMachine stateMachine;
  private final int maxPendingRequests;
  private final LocalSnapshots snapshots;

  private NodeObserver observer = NodeObserver.NONE;
  private final RoleChangeReports roleChangeReports;

  /** Tells the operator when this node's timing and its leader's do not agree (lease reads). */
  private final LeaseTimingReports leaseTimingReports;

  /** The index up to which the state machine has applied: it reflects exactly these entries. */
  private long appliedIndex;
  private long syncCount;

  /**
   * Deliberate bugs, planted only by the test kit through {@link #plant} (package-private, so no
   * configuration, setting or public API can switch one on). Always empty in a real node.
   */
  private Set<InjectedBug> planted = Set.of();

  /** Proposals waiting for their index to be applied, settled by what is applied there. */
  private final PendingProposals proposals = new PendingProposals();

  /** Reads waiting for a read index, then for this node to apply up to it. */
  private final PendingReads reads;

  /** The request timeout of every pending proposal and read. */
  private final RequestDeadlines deadlines;
  private final Handover handover;
  private final MembershipRequests membershipRequests;

  /**
   * @param appliedIndex the index the state machine already reflects (its snapshot's, or 0)
   */
  public NodeDriver(
      RaftEngine engine,
      LogStore store,
      Transport transport,
      StateMachine stateMachine,
      long appliedIndex,
      int requestTimeoutTicks,
      int maxPendingRequests) {
    this(engine, store, transport, stateMachine, appliedIndex, requestTimeoutTicks,
        maxPendingRequests, SnapshotPolicy.NEVER);
  }

  /**
   * @param appliedIndex the index the state machine already reflects (its snapshot's, or 0)
   * @param snapshotPolicy when to snapshot the state machine and compact the log
   */
  public NodeDriver(
      RaftEngine engine,
      LogStore store,
      Transport transport,
      StateMachine stateMachine,
      long appliedIndex,
      int requestTimeoutTicks,
      int maxPendingRequests,
      SnapshotPolicy snapshotPolicy) {
    this.snapshots = new LocalSnapshots(snapshotPolicy, store, engine, stateMachine, () -> syncCount++);
    this.engine = engine;
    this.roleChangeReports = new RoleChangeReports(engine);
    this.leaseTimingReports = new LeaseTimingReports(engine);
    this.reads = new PendingReads(stateMachine, engine.id());
    this.store = store;
    this.transport = transport;
    this.stateMachine = stateMachine;
    this.appliedIndex = appliedIndex;
    this.deadlines = new RequestDeadlines(requestTimeoutTicks);
    this.handover = new Handover(engine);
    this.membershipRequests = new MembershipRequests(engine, proposals, deadlines);
    this.maxPendingRequests = maxPendingRequests;
  }

  /** Test kit only (same package): switches on deliberate bugs; call before the first input. */
  void plant(Set<InjectedBug> bugs) {
    this.planted = Set.copyOf(bugs);
  }

  /** Sets who hears about syncs and role changes; {@link NodeObserver#NONE} by default. */
  public void observe(NodeObserver observer) {
    this.observer = Objects.requireNonNull(observer, "observer");
    roleChangeReports.observe(observer);
    snapshots.observe(observer);
  }

  /**
   * One tick of logical time: the engine's timers, then request deadlines. A deadline fails only
   * requests whose outcome nobody knows yet: a runtime may tick between the inputs of one batch
   * (RaftNode does), after the engine installed a snapshot from the leader but before {@link
   * #flush()} restores it. The proposals that snapshot covers are settled as such first, rather
   * than reported as timed out.
   */
  public void tick() {
    engine.tick();
    if (!deadlines.tick()) return;
    proposals.coveredBySnapshot(engine.snapshotIndex());
    if (!deadlines.expire()) return;
    // Forget timed-out requests so the maps hold only live ones.
    proposals.forgetDone();
    reads.forgetDone();
  }

  public void receive(Message message) {
    engine.step(message);
  }

  /** The transport lost its connection to {@code peer}: a hint, see {@link RaftEngine#peerUnreachable}. */
  public void peerUnreachable(String peer) {
    engine.peerUnreachable(peer);
  }

  /**
   * Proposes {@code command}; {@code future} completes once it is applied, or fails. During a
   * leadership transfer the write waits and is proposed when the transfer ends ({@link Handover}).
   */
  public void propose(byte[] command, CompletableFuture<Applied> future) {
    if (pendingCount() >= maxPendingRequests) {
      future.completeExceptionally(overloaded());
      return;
    }
    deadlines.add(future, true);
    if (!handover.hold(command, future)) append(command, future);
  }

  private void append(byte[] command, CompletableFuture<Applied> future) {
    if (future.isDone()) return; // a held write whose deadline passed
    long index;
    try {
      index = engine.propose(command);
    } catch (RequestFailedException e) {
      future.completeExceptionally(e);
      return;
    }
    if (planted.contains(InjectedBug.REPLACED_PROPOSAL_NOT_APPLIED) && proposals.waitingAt(index)) {
      proposals.failAt(index, PendingProposals.notApplied(index, engine.leaderId()));
    }
    // An earlier proposal at this index stays: our log lost its entry, but another node may hold a
    // copy that a later leader commits. Only applying this index settles it (PendingProposals).
    proposals.add(index, engine.term(), future);
  }

  /**
   * Answers {@code query} at the given consistency; for {@link ReadConsistency#STALE}, once this node
   * has applied at least {@code minIndex}.
   */
  public void query(
      byte[] query, ReadConsistency consistency, long minIndex, CompletableFuture<QueryResult> future) {
    if (pendingCount() >= maxPendingRequests) {
      future.completeExceptionally(overloaded());
      return;
    }
    deadlines.add(future, false);
    if (consistency == ReadConsistency.STALE) {
      reads.awaitApplied(query, future, minIndex, appliedIndex);
      return;
    }
    long id = reads.awaitIndex(query, future);
    if (consistency == ReadConsistency.LEASE) {
      engine.leaseRead(id);
    } else {
      engine.readIndex(id);
    }
  }

  /**
   * Hands this leader's leadership to {@code target}, or to the most caught-up voter when null;
   * {@code done} completes with the new leader (see {@link Handover#start}). Call {@link #flush}
   * after.
   */
  public void transferLeadership(String target, CompletableFuture<String> done) {
    handover.start(target, done);
  }

  /**
   * Asks the engine for a membership change ({@code change} returns the index of the configuration
   * entry); {@code done} completes with the configuration once this node applied it. Call {@link
   * #flush} after.
   */
  public void changeMembership(ToLongFunction<RaftEngine> change, CompletableFuture<Membership> done) {
    if (pendingCount() >= maxPendingRequests) {
      done.completeExceptionally(overloaded());
      return;
    }
    membershipRequests.change(change, appliedIndex, done);
  }

  /** Carries out everything the engine has asked for, until it has nothing more. */
  public void flush() {
    while (engine.hasReady()) {
      Ready ready = engine.ready();
      // Raft thesis §10.2.1: a leader may replicate entries before they are durable on its own disk,
      // so its fsync and its followers' overlap. Its own unsynced entries never decide a commit:
      // the engine counts the leader's whole log, but a follower's acknowledgement of an entry is
      // handled on this thread only after the persist() below has synced that entry here too.
      boolean sendAllFirst = planted.contains(InjectedBug.SEND_BEFORE_SYNC);
      for (Message m : ready.messages()) {
        if (!isLeaderReplication(m) && !sendAllFirst) continue;
        if (m instanceof InstallSnapshot is && is.offset() == 0) snapshots.countSent(is.to(), is.lastIndex());
        transport.send(m);
      }
      persist(ready);
      // Everything else promises what was just made durable (a vote, an acknowledgement) or may
      // depend on it, so it leaves only now.
      if (!sendAllFirst) {
        for (Message m : ready.messages()) if (!isLeaderReplication(m)) transport.send(m);
      }
      if (ready.snapshot() != null) restore(ready.snapshot());
      for (LogEntry e : ready.committedEntries()) apply(e);
      for (ReadState rs : ready.readStates()) {
        reads.indexConfirmed(rs.requestId(), rs.readIndex(), appliedIndex);
      }
      for (FailedRead f : ready.failedReads()) {
        reads.indexFailed(f.requestId(), f.cause(), engine.leaderId());
      }
      reads.serveUpTo(appliedIndex);
      engine.advance(ready); // carried out: the engine may count its entries as applied
      snapshots.maybeTake(appliedIndex);
    }
    List<Handover.HeldWrite> released = handover.settle();
    if (!released.isEmpty()) {
      for (Handover.HeldWrite w : released) append(w.command(), w.future());
      flush();
      return;
    }
    roleChangeReports.report();
    leaseTimingReports.report();
  }

  /**
   * Messages a leader sends to replicate its log: they promise nothing about this node's disk. The
   * term they carry was made durable before the node campaigned, and their entries are only
   * acknowledged by followers after the followers' own sync.
   */
  private static boolean isLeaderReplication(Message m) {
    return m instanceof AppendEntries || m instanceof Heartbeat || m instanceof InstallSnapshot;
  }

  private void persist(Ready ready) {
    // A received snapshot first: saving it drops the stored log it replaces, then entries follow it.
    if (ready.snapshot() != null) store.saveSnapshot(ready.snapshot());
    if (!ready.entries().isEmpty()) store.append(ready.entries());
    if (ready.hardState() != null) store.saveHardState(ready.hardState());
    if (ready.mustSync()) {
      // The clock is read only for the observer (metrics); nothing the node decides depends on it.
      long start = observer == NodeObserver.NONE ? 0 : System.nanoTime();
      store.sync();
      syncCount++;
      if (observer != NodeObserver.NONE) observer.synced(System.nanoTime() - start, ready.entries().size());
    }
  }

  /** The leader sent a snapshot (Raft §7): the state machine becomes it, wholesale. */
  private void restore(Snapshot snapshot) {
    stateMachine.restore(snapshot.lastIndex(), snapshot.data());
    appliedIndex = snapshot.lastIndex();
    snapshots.installed(snapshot);
    proposals.coveredBySnapshot(snapshot.lastIndex());
  }

  /**
   * Where snapshot data is written (see {@link LogStore#prepareSnapshot}): on {@code writer}, after
   * which the rest of the switch runs through {@code nodeThread}, which must run it on the node's
   * thread. By default both run inline, on the node thread, which keeps the simulation deterministic;
   * {@link RaftNode} passes a background thread, so that a slow write never holds up heartbeats.
   */
  public void writeSnapshotsOn(Executor writer, Executor nodeThread) {
    snapshots.writeOn(writer, nodeThread);
  }

  private void apply(LogEntry e) {
    if (e.index() != appliedIndex + 1) {
      throw new IllegalStateException("apply out of order: " + e.index() + " after " + appliedIndex);
    }
    byte[] result = e.type() == EntryType.COMMAND ? stateMachine.apply(e.index(), e.data()) : EMPTY;
    appliedIndex = e.index();
    snapshots.applied(e);
    proposals.applied(e, result, engine.leaderId());
  }

  /**
   * The node stopped: snapshot transfers in progress end, releasing their files (a sink being
   * written is aborted). Node thread, once the engine is driven no more.
   */
  public void endSnapshotTransfers() {
    engine.endSnapshotTransfers();
  }

  /** Fails every pending request: the node is stopping. Proposals may still commit elsewhere. */
  public void failAllPending(String why) {
    proposals.failAll(why);
    reads.failAll(why);
    handover.failAll(why);
    deadlines.clear();
  }

  private int pendingCount() {
    return proposals.size() + reads.size() + handover.heldCount();
  }

  private BellwetherException overloaded() {
    return new RequestFailedException(
        Reason.OVERLOADED, "too many pending requests (" + maxPendingRequests + "); retry later");
  }

  /** The index up to which this node's state machine has applied. */
  public long appliedIndex() {
    return appliedIndex;
  }

  public long syncCount() {
    return syncCount;
  }

  public long snapshotsTaken() {
    return snapshots.taken();
  }

  public long snapshotsInstalled() {
    return snapshots.installed();
  }

  public long lastSnapshotIndex() {
    return snapshots.lastIndex();
  }

  public RaftEngine engine() {
    return engine;
  }

  public StateMachine stateMachine() {
    return stateMachine;
  }

  /** A picture of this node now. */
  public NodeStatus status(boolean running, String failure) {
    return NodeStatus.of(engine, appliedIndex, snapshots, running, failure);
  }
}
