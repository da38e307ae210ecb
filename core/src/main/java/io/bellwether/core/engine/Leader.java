package io.bellwether.core.engine;

import io.bellwether.core.LogEntry;
import io.bellwether.core.message.AppendEntries;
import io.bellwether.core.message.AppendEntriesResponse;
import io.bellwether.core.message.Heartbeat;
import io.bellwether.core.message.HeartbeatResponse;
import io.bellwether.core.message.InstallSnapshot;
import io.bellwether.core.message.InstallSnapshotResponse;
import io.bellwether.core.message.ReadIndexResponse;
import io.bellwether.core.spi.Snapshot;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;
import java.util.function.Supplier;

/**
 * A leader's work for one term: replicating the log to each follower (§5.3), advancing the commit
 * index (§5.4.2), confirming reads (ReadIndex and lease, thesis §6.4), and sending snapshots to
 * followers that fell behind the compacted log (§7).
 *
 * <p>One instance lives exactly as long as one leadership: {@link RaftEngine} creates it when the
 * node wins an election and drops it when the node steps down, so no leader state can leak into a
 * later term. The term is therefore a constant here.
 */
final class Leader {

  private final String id;
  private final long term;
  private final List<String> voters;
  private final List<String> peers;
  private final RaftConfig config;
  private final Set<InjectedBug> planted;
  private final RaftLog log;
  private final Effects effects;
  private final Supplier<Snapshot> latestSnapshot;
  private final LongSupplier now;

  private final Map<String, Progress> progress = new TreeMap<>();
  private final ReadIndexQueue reads = new ReadIndexQueue();
  private final LeaderLease lease = new LeaderLease();
  private int heartbeatElapsed;
  private int checkQuorumElapsed;

  private int cachedChecksum;
  private Snapshot cachedChecksumFor;

  Leader(
      String id,
      long term,
      List<String> voters,
      RaftConfig config,
      Set<InjectedBug> planted,
      RaftLog log,
      Effects effects,
      Supplier<Snapshot> latestSnapshot,
      LongSupplier now) {
    this.id = id;
    this.term = term;
    this.voters = voters;
    this.peers = voters.stream().filter(v -> !v.equals(id)).toList();
    this.config = config;
    this.planted = planted;
    this.log = log;
    this.effects = effects;
    this.latestSnapshot = latestSnapshot;
    this.now = now;
    for (String peer : peers) {
      progress.put(peer, new Progress(log.lastIndex() + 1, config.maxInflightAppends()));
    }
  }

  /**
   * Starts the term. §5.4.2 and thesis §6.4: a no-op of our own term lets earlier entries commit,
   * and tells us our commit index is current, which ReadIndex needs.
   */
  void start() {
    append(LogEntry.noop(term, log.lastIndex() + 1));
  }

  /** Appends {@code entry} to our log and sends it to every follower ready for more. */
  void append(LogEntry entry) {
    log.append(entry);
    if (peers.isEmpty()) maybeCommit();
    for (String peer : peers) sendAppendIfReady(peer);
  }

  /**
   * One tick: heartbeats, and check-quorum.
   *
   * @return false when the leader must step down: it has not heard from a majority for an election
   *     timeout (thesis §6.2), so clients should go elsewhere
   */
  boolean tick() {
    heartbeatElapsed++;
    checkQuorumElapsed++;
    if (checkQuorumElapsed >= config.electionTimeoutTicks()) {
      checkQuorumElapsed = 0;
      if (config.checkQuorum() && !quorumRecentlyActive()) return false;
      progress.values().forEach(p -> p.recentActive = false);
    }
    if (heartbeatElapsed >= config.heartbeatIntervalTicks()) {
      heartbeatElapsed = 0;
      broadcastHeartbeat();
    }
    return true;
  }

  /** Reads registered since the last heartbeat round need one; sends it. */
  void flushReadRound() {
    if (reads.roundNeeded()) broadcastHeartbeat();
  }

  boolean readRoundNeeded() {
    return reads.roundNeeded();
  }

  // ---------------------------------------------------------------- reads (thesis §6.4)

  /** A linearizable read for a local client ({@code origin == null}) or a follower's client. */
  void read(long requestId, String origin) {
    if (!committedInCurrentTerm()) {
      // Until the leader commits its no-op, its commit index may lag the true one (thesis §6.4).
      reads.park(requestId, origin);
      return;
    }
    reads.register(log.commitIndex(), requestId, origin);
    if (peers.isEmpty() || planted.contains(InjectedBug.READ_WITHOUT_QUORUM)) confirmReads();
  }

  /** Serves at once while the lease holds, else falls back to {@link #read}. */
  void leaseRead(long requestId) {
    if (servesLeaseReads()) {
      effects.readReady(requestId, log.commitIndex());
    } else {
      read(requestId, null);
    }
  }

  /** Whether a lease read now would be answered at once, with no round trip. */
  boolean servesLeaseReads() {
    boolean leaseHolds = peers.isEmpty() || lease.isValid(now.getAsLong())
        || planted.contains(InjectedBug.LEASE_NOT_CHECKED);
    return config.checkQuorum() && committedInCurrentTerm() && leaseHolds;
  }

  /**
   * Lease length, in this leader's ticks: {@code floor(0.8 × (electionTimeout − 1))}. A follower
   * that acknowledged a heartbeat refuses votes for at least {@code electionTimeout − 1} of its own
   * ticks (its timer may tick right after it reset), while the lease may run a full {@code
   * leaseTicks} leader ticks after the heartbeat left. With clock rates within 20% of each other (the
   * slowest at least 0.8 times the fastest), the lease therefore ends before any acknowledging
   * follower could vote, by arithmetic alone, however fast messages travel. 0 (no lease, every read
   * takes the ReadIndex path) when the election timeout is too short for a margin.
   *
   * <p>This uses the leader's own tick and election timeout, which are per-node settings. Only
   * acknowledgements from followers whose promise, {@code (electionTimeout − 1) × tick} of their own
   * settings, is at least ours count toward the lease ({@link LeaseTiming#covers}); the follower
   * judges that from the timing our heartbeat carries and says so in its answer.
   */
  private long leaseTicks() {
    return (config.electionTimeoutTicks() - 1L) * 4 / 5;
  }

  private void confirmReads() {
    long confirmedSeq = peers.isEmpty() ? Long.MAX_VALUE : quorumAcknowledgedSeq();
    ReadIndexQueue.PendingRead p;
    while ((p = reads.peek()) != null) {
      if (p.seq() > confirmedSeq && !planted.contains(InjectedBug.READ_WITHOUT_QUORUM)) break;
      reads.poll();
      if (p.origin() == null) {
        effects.readReady(p.requestId(), p.readIndex());
      } else {
        effects.send(new ReadIndexResponse(id, p.origin(), term, p.requestId(), true, p.readIndex()));
      }
    }
  }

  /** Leadership is over: every read still waiting fails (never served from unconfirmed state). */
  void stepDown() {
    for (ReadIndexQueue.PendingRead p : reads.drainAll()) {
      if (p.origin() == null) {
        effects.readFailed(p.requestId());
      } else {
        effects.send(new ReadIndexResponse(id, p.origin(), term, p.requestId(), false, 0));
      }
    }
  }

  /** The newest heartbeat round a majority (this leader included) has acknowledged. */
  private long quorumAcknowledgedSeq() {
    return seqReachedByMajority(pr -> pr.ackedReadSeq);
  }

  /**
   * The newest heartbeat round a majority (this leader included) has acknowledged with a promise
   * that covers our lease: the lease may run from when that round was sent.
   */
  private long leaseAcknowledgedSeq() {
    return seqReachedByMajority(pr -> pr.leaseAckedReadSeq);
  }

  private long seqReachedByMajority(ToLongFunction<Progress> ackedSeq) {
    long[] acked = new long[voters.size()];
    int i = 0;
    acked[i++] = reads.sentSeq();
    for (String peer : peers) acked[i++] = ackedSeq.applyAsLong(progress.get(peer));
    return Quorum.indexReachedBy(acked, Quorum.majority(voters.size()));
  }

  private void broadcastHeartbeat() {
    long seq = reads.nextRound();
    lease.roundSent(seq, now.getAsLong());
    for (String peer : peers) {
      Progress pr = progress.get(peer);
      effects.send(new Heartbeat(id, peer, term, Math.min(pr.matchIndex, log.commitIndex()), seq,
          config.tickMicros(), config.electionTimeoutTicks()));
    }
  }

  // ---------------------------------------------------------------- replication (§5.3)

  void onAppendResponse(AppendEntriesResponse r) {
    Progress pr = progress.get(r.from());
    if (pr == null) return;
    pr.recentActive = true;
    if (pr.state == Progress.State.SNAPSHOT) return; // answers to appends sent before the snapshot
    if (r.success()) {
      if (pr.acknowledge(r.matchIndex()) && maybeCommit()) {
        // Tell idle followers the new commit index now rather than at the next heartbeat.
        for (String peer : peers) {
          Progress p = progress.get(peer);
          if (!p.hasInflight() && p.matchIndex == log.lastIndex()) sendAppend(peer, true);
        }
      }
      sendAppendIfReady(r.from());
      return;
    }
    long next = nextIndexAfterRejection(r);
    if (pr.state == Progress.State.REPLICATE && next <= pr.matchIndex) return; // stale rejection
    pr.becomeProbe(next);
    sendAppendIfReady(r.from());
  }

  /** Fast back-off (§5.3): skip the follower's whole conflicting term in one round trip. */
  private long nextIndexAfterRejection(AppendEntriesResponse r) {
    if (r.conflictTerm() > 0) {
      long last = log.lastIndexOfTerm(r.conflictTerm());
      if (last > 0) return last + 1;
    }
    return Math.max(1, r.conflictIndex());
  }

  void onHeartbeatResponse(HeartbeatResponse r) {
    Progress pr = progress.get(r.from());
    if (pr == null) return;
    pr.recentActive = true;
    // Only an answer to one of our rounds judged our timing. A follower answers a heartbeat of an
    // older term with readSeq 0 (and no promise), and such an answer can arrive once we lead in
    // the follower's term; it says nothing about our lease (found by the simulation).
    if (r.readSeq() > 0) pr.promiseShortOfLease = !r.promiseCoversLease();
    if (r.promiseCoversLease() && r.readSeq() > pr.leaseAckedReadSeq) {
      // Only a follower whose promise lasts as long as our lease assumes may back the lease; every
      // answer still confirms ReadIndex rounds (below) and counts for check-quorum (above).
      pr.leaseAckedReadSeq = r.readSeq();
      lease.quorumAcknowledged(leaseAcknowledgedSeq(), leaseTicks());
    }
    if (r.readSeq() > pr.ackedReadSeq) {
      pr.ackedReadSeq = r.readSeq();
      confirmReads();
    }
    if (pr.state == Progress.State.SNAPSHOT) {
      if (!pr.ackedSinceHeartbeat) {
        pr.snapshotChunkInFlight = false; // the chunk or its answer was lost: send it again
        sendSnapshotChunk(r.from(), pr);
      }
    } else if (pr.matchIndex < log.lastIndex()) {
      boolean stalled =
          pr.state == Progress.State.REPLICATE && pr.hasInflight() && !pr.ackedSinceHeartbeat;
      if (pr.state == Progress.State.PROBE || stalled) {
        // A lost message or answer left the follower behind; probe again from what it holds.
        pr.becomeProbe(Math.min(pr.nextIndex, r.lastIndex() + 1));
      }
      sendAppendIfReady(r.from());
    }
    pr.ackedSinceHeartbeat = false;
  }

  private void sendAppendIfReady(String peer) {
    Progress pr = progress.get(peer);
    if (pr == null || pr.isPaused()) return;
    if (pr.state == Progress.State.REPLICATE && pr.nextIndex > log.lastIndex()) return;
    sendAppend(peer, pr.state == Progress.State.PROBE);
  }

  private void sendAppend(String peer, boolean allowEmpty) {
    Progress pr = progress.get(peer);
    long prevIndex = pr.nextIndex - 1;
    long prevTerm = log.term(prevIndex);
    if (prevTerm < 0) {
      // §7: the follower needs entries we compacted away; send the snapshot that replaced them.
      Snapshot snapshot = latestSnapshot.get();
      if (snapshot == null) {
        throw new IllegalStateException("log compacted before index " + pr.nextIndex + " without a snapshot");
      }
      pr.becomeSnapshot(snapshot);
      sendSnapshotChunk(peer, pr);
      return;
    }
    List<LogEntry> entries =
        pr.nextIndex <= log.lastIndex()
            ? log.slice(pr.nextIndex, log.lastIndex() + 1, config.maxAppendBytes())
            : List.of();
    if (entries.isEmpty() && !allowEmpty) return;
    effects.send(new AppendEntries(id, peer, term, prevIndex, prevTerm, entries, log.commitIndex()));
    pr.sent(prevIndex + entries.size());
  }

  /** Advances the commit index to what a majority holds, if that entry is of our term (§5.4.2). */
  private boolean maybeCommit() {
    long[] matches = new long[voters.size()];
    int i = 0;
    // The leader's own log counts as matched: it is synced before anything it commits is applied
    // or acknowledged, since both happen after the sync of the same Ready.
    matches[i++] = log.lastIndex();
    for (String peer : peers) matches[i++] = progress.get(peer).matchIndex;
    int needed = Quorum.majority(voters.size());
    if (planted.contains(InjectedBug.COMMIT_ON_MINORITY)) needed = Math.max(1, needed - 1);
    long candidate = Quorum.indexReachedBy(matches, needed);
    if (candidate <= log.commitIndex()) return false;
    if (log.term(candidate) != term && !planted.contains(InjectedBug.SKIP_CURRENT_TERM_COMMIT_RULE)) {
      return false; // §5.4.2: never commit an earlier term's entry by counting replicas
    }
    log.commitTo(candidate);
    if (committedInCurrentTerm()) {
      for (ReadIndexQueue.ParkedRead p : reads.takeParked()) read(p.requestId(), p.origin());
    }
    return true;
  }

  boolean committedInCurrentTerm() {
    return log.term(log.commitIndex()) == term;
  }

  private boolean quorumRecentlyActive() {
    long active = 1 + progress.values().stream().filter(p -> p.recentActive).count();
    return active >= Quorum.majority(voters.size());
  }

  // ---------------------------------------------------------------- snapshots (§7)

  private void sendSnapshotChunk(String peer, Progress pr) {
    if (pr.snapshotChunkInFlight) return; // one chunk at a time: flow control
    Snapshot snap = pr.snapshot;
    byte[] data = snap.data();
    int from = (int) pr.snapshotOffset;
    int length = (int) Math.min(data.length - from, config.maxAppendBytes());
    byte[] chunk = Arrays.copyOfRange(data, from, from + length);
    effects.send(new InstallSnapshot(id, peer, term, snap.lastIndex(), snap.lastTerm(), data.length,
        checksumOf(snap), from, chunk));
    pr.snapshotChunkInFlight = true;
  }

  private int checksumOf(Snapshot snap) {
    if (cachedChecksumFor != snap) {
      cachedChecksum = SnapshotReceiver.checksumOf(snap.data());
      cachedChecksumFor = snap;
    }
    return cachedChecksum;
  }

  void onSnapshotResponse(InstallSnapshotResponse r) {
    Progress pr = progress.get(r.from());
    if (pr == null) return;
    pr.recentActive = true;
    if (pr.state != Progress.State.SNAPSHOT || pr.snapshot.lastIndex() != r.lastIndex()) return;
    pr.ackedSinceHeartbeat = true;
    pr.snapshotChunkInFlight = false;
    if (r.installed()) {
      // The follower now holds everything up to the snapshot: replicate what follows it.
      pr.matchIndex = Math.max(pr.matchIndex, r.lastIndex());
      pr.becomeProbe(r.lastIndex() + 1);
      maybeCommit();
      sendAppendIfReady(r.from());
      return;
    }
    pr.snapshotOffset = Math.min(r.nextOffset(), pr.snapshot.data().length);
    sendSnapshotChunk(r.from(), pr);
  }

  /**
   * Followers whose last heartbeat answer said their vote-refusal promise is shorter than this
   * leader's lease assumes: their acknowledgements do not extend the lease.
   */
  Set<String> followersShortOfLease() {
    Set<String> out = null; // asked after every batch: allocate nothing in the usual case
    for (Map.Entry<String, Progress> e : progress.entrySet()) {
      if (!e.getValue().promiseShortOfLease) continue;
      if (out == null) out = new TreeSet<>();
      out.add(e.getKey());
    }
    return out == null ? Set.of() : out;
  }

  /** Each follower's match index. */
  Map<String, Long> matchIndexes() {
    Map<String, Long> out = new TreeMap<>();
    progress.forEach((peer, p) -> out.put(peer, p.matchIndex));
    return out;
  }
}
