package io.bellwether.core.engine;

import io.bellwether.core.LogEntry;
import io.bellwether.core.message.AppendEntries;
import io.bellwether.core.message.AppendEntriesResponse;
import io.bellwether.core.message.Heartbeat;
import io.bellwether.core.message.HeartbeatResponse;
import io.bellwether.core.message.InstallSnapshot;
import io.bellwether.core.message.InstallSnapshotResponse;
import io.bellwether.core.message.ReadIndexRequest;
import io.bellwether.core.message.ReadIndexResponse;
import io.bellwether.core.spi.Snapshot;
import io.bellwether.core.spi.SnapshotSink;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A follower's side of replication and reads: it answers the leader's AppendEntries (§5.3),
 * heartbeats (commit index, read rounds, whether its promise covers the lease) and InstallSnapshot
 * chunks (§7), and forwards its clients' linearizable reads to the leader (thesis §6.4.2).
 *
 * <p>{@link RaftEngine} first makes sure the sender is this term's leader (the role change and the
 * election timer are its business), then hands the message here. Unlike {@link Leader}, this lives
 * as long as the engine: what it holds (a snapshot half received, the timing the leader announced,
 * reads forwarded) is about the leader of the moment, and the engine tells it when that changes.
 */
final class Follower {

  private final String id;
  private final RaftConfig config;
  private final RandomGenerator random;
  private final RaftLog log;
  private final Effects effects;

  /** The timing the last heartbeat announced, and its sender: kept to report a mismatch. */
  private LeaseTiming heardTiming;

  private String heardTimingFrom;

  /** Where a snapshot from the leader is written (the state machine's sinks). */
  private final SnapshotPorts.Sinks sinks;

  /** A snapshot being received from the leader, or null. */
  private SnapshotReceiver receiver;

  /** Reads forwarded to the leader and not yet answered; created on first use. */
  private ForwardedReads forwardedReads;

  Follower(String id, RaftConfig config, RandomGenerator random, RaftLog log, Effects effects,
      SnapshotPorts.Sinks sinks) {
    this.id = id;
    this.config = config;
    this.random = random;
    this.log = log;
    this.effects = effects;
    this.sinks = sinks;
  }

  // ---------------------------------------------------------------- replication (§5.3)

  void onAppendEntries(AppendEntries ae, long term) {
    if (ae.prevLogIndex() < log.commitIndex()) {
      // Everything up to our commit index already matches any current leader (Leader Completeness),
      // so only what lies beyond it can be new; trim and treat as matched at the commit index.
      List<LogEntry> beyond =
          ae.entries().stream().filter(e -> e.index() > log.commitIndex()).toList();
      long prev = log.commitIndex();
      appendMatching(ae.from(), term, prev, beyond, ae.leaderCommit(), Math.max(prev, ae.lastIndex()));
      return;
    }
    if (!log.matchTerm(ae.prevLogIndex(), ae.prevLogTerm())) {
      rejectAppend(ae, term);
      return;
    }
    appendMatching(
        ae.from(), term, ae.prevLogIndex(), ae.entries(), ae.leaderCommit(), ae.lastIndex());
  }

  private void appendMatching(String leader, long term, long prevIndex, List<LogEntry> entries,
      long leaderCommit, long lastNew) {
    log.appendFromLeader(entries);
    long matched = Math.max(prevIndex, lastNew);
    // Figure 2: commitIndex = min(leaderCommit, index of last new entry).
    log.commitTo(Math.min(leaderCommit, matched));
    effects.send(new AppendEntriesResponse(id, leader, term, true, matched, 0, 0));
  }

  /**
   * §5.3: the logs differ at the leader's previous entry. The answer names the first index of our
   * conflicting term (or our end), so the leader skips a whole term per round trip.
   */
  private void rejectAppend(AppendEntries ae, long term) {
    long conflictIndex;
    long conflictTerm;
    if (ae.prevLogIndex() > log.lastIndex()) {
      conflictIndex = log.lastIndex() + 1;
      conflictTerm = 0;
    } else {
      conflictTerm = log.term(ae.prevLogIndex());
      conflictIndex = log.firstIndexOfTermAt(ae.prevLogIndex());
    }
    effects.send(new AppendEntriesResponse(id, ae.from(), term, false, 0, conflictIndex, conflictTerm));
  }

  void onHeartbeat(Heartbeat hb, long term) {
    // The leader sends min(our matchIndex, its commit index), so this never commits an entry we hold
    // without having matched it.
    log.commitTo(Math.min(hb.commitIndex(), log.lastIndex()));
    if (heardTiming == null || heardTiming.tickMicros() != hb.tickMicros()
        || heardTiming.electionTimeoutTicks() != hb.electionTimeoutTicks()) {
      heardTiming = new LeaseTiming(hb.tickMicros(), hb.electionTimeoutTicks()); // rarely changes
    }
    heardTimingFrom = hb.from();
    effects.send(new HeartbeatResponse(
        id, hb.from(), term, hb.readSeq(), log.lastIndex(), promiseCoversLease(heardTiming)));
  }

  /**
   * Whether this node's acknowledgement may back the lease of a leader with {@code leaderTiming}: it
   * refuses votes while it hears from a leader only with check-quorum on, and then for {@code
   * electionTimeout − 1} of its ticks at least, which must be no shorter than the leader assumes.
   */
  boolean promiseCoversLease(LeaseTiming leaderTiming) {
    return config.checkQuorum() && config.leaseTiming().covers(leaderTiming);
  }

  /** The timing {@code leader} announced in its last heartbeat, or null if it sent none yet. */
  LeaseTiming timingOf(String leader) {
    return leader.equals(heardTimingFrom) ? heardTiming : null;
  }

  // ---------------------------------------------------------------- snapshots (§7)

  /**
   * Takes one chunk of a snapshot from the leader. Chunks are accepted in order only, each written
   * to the sink as it arrives, and the whole is installed only if its checksum matches: a corrupted
   * transfer starts over.
   *
   * @return the snapshot now installed in the log (with the local form the sink returned), to
   *     persist and restore; else null
   * @throws io.bellwether.core.spi.StorageException from the sink (aborted first)
   */
  Snapshot onInstallSnapshot(InstallSnapshot m, long term) {
    if (m.lastIndex() <= log.commitIndex()) {
      // We already hold (committed) everything it covers.
      abandonSnapshot();
      effects.send(new InstallSnapshotResponse(id, m.from(), term, m.lastIndex(), m.totalBytes(), true));
      return null;
    }
    if (receiver == null || !receiver.isFor(m)) {
      abandonSnapshot(); // another snapshot's bytes are of no use any more
      if (m.offset() != 0) {
        effects.send(new InstallSnapshotResponse(id, m.from(), term, m.lastIndex(), 0, false));
        return null;
      }
      SnapshotSink sink;
      try {
        sink = sinks.open(m.lastIndex(), m.totalBytes());
      } catch (IllegalArgumentException e) {
        return null; // it cannot be taken here (too large): never ack, as if lost
      }
      receiver = new SnapshotReceiver(m, sink);
    }
    SnapshotReceiver r = receiver;
    receiver = null; // until the chunk is written: a sink that failed is not written to again
    r.accept(m);
    if (!r.complete()) {
      receiver = r;
      effects.send(new InstallSnapshotResponse(id, m.from(), term, m.lastIndex(), r.received(), false));
      return null;
    }
    byte[] data = r.verifiedData();
    if (data == null) {
      // Corrupted in transit: start the transfer over rather than install bytes we cannot trust.
      effects.send(new InstallSnapshotResponse(id, m.from(), term, m.lastIndex(), 0, false));
      return null;
    }
    Snapshot snapshot = new Snapshot(m.lastIndex(), m.lastTerm(), m.membership(), data);
    log.installSnapshot(m.lastIndex(), m.lastTerm(), m.membership());
    effects.send(new InstallSnapshotResponse(id, m.from(), term, m.lastIndex(), m.totalBytes(), true));
    return snapshot;
  }

  /**
   * The snapshot being received, if any, is abandoned (the leader or the term changed, or the node
   * stops): its sink discards what it was given, and a transfer begins again from offset 0.
   */
  void abandonSnapshot() {
    if (receiver == null) return;
    SnapshotReceiver r = receiver;
    receiver = null;
    r.abort();
  }

  /** Whether a snapshot is being received (tests). */
  boolean receivingSnapshot() {
    return receiver != null;
  }

  // ---------------------------------------------------------------- forwarded reads (§6.4.2)

  /** A local linearizable read: it goes to the leader with every read queued until the next send. */
  void forwardRead(long requestId) {
    if (forwardedReads == null) forwardedReads = new ForwardedReads(random.nextLong());
    forwardedReads.add(requestId);
  }

  /** Whether reads wait and no request for them is out: {@link #sendForwardedReads} would send. */
  boolean hasReadsToForward() {
    return forwardedReads != null && forwardedReads.hasRequestToSend();
  }

  /**
   * Sends {@code leader} one request for the reads queued, or again for those whose request went
   * unanswered for an election timeout.
   */
  void sendForwardedReads(long now, String leader, long term) {
    if (forwardedReads == null || leader == null) return;
    long batch = forwardedReads.requestToSend(now, config.electionTimeoutTicks());
    if (batch != 0) effects.send(new ReadIndexRequest(id, leader, term, batch));
  }

  void onReadIndexResponse(ReadIndexResponse r) {
    if (forwardedReads == null) return;
    List<Long> batch = forwardedReads.answered(r.requestId()); // empty when late or replaced
    for (long requestId : batch) {
      if (r.success()) {
        effects.readReady(requestId, r.readIndex());
      } else {
        effects.readFailed(requestId, FailedRead.Cause.LEADER_REFUSED);
      }
    }
    // The reads that arrived meanwhile go out as the next batch at ready().
  }

  /** The leader changed or is gone: no forwarded read can be answered any more. */
  void failForwardedReads() {
    if (forwardedReads == null) return;
    for (long requestId : forwardedReads.drainAll()) {
      effects.readFailed(requestId, FailedRead.Cause.LEADER_CHANGED);
    }
  }
}
