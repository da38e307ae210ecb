package io.bellwether.core.engine;

import io.bellwether.core.EntryType;
import io.bellwether.core.LogEntry;
import io.bellwether.core.Membership;
import io.bellwether.core.codec.MembershipCodec;
import io.bellwether.core.message.AppendEntriesResponse;
import io.bellwether.core.message.Heartbeat;
import io.bellwether.core.message.HeartbeatResponse;
import io.bellwether.core.message.InstallSnapshotResponse;
import io.bellwether.core.spi.Snapshot;
import io.bellwether.core.spi.SnapshotData;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A leader's work for one term: its timers (heartbeats, check-quorum) and the heartbeat itself, which
 * serves both of its halves: {@link LogReplicator} (replicating the log to each follower, §5.3,
 * advancing the commit index, §5.4.2, and sending snapshots to followers behind the compacted log,
 * §7) and {@link ReadConfirmation} (confirming reads by ReadIndex and lease, thesis §6.4).
 *
 * <p>One instance lives exactly as long as one leadership: {@link RaftEngine} creates it when the
 * node wins an election and drops it when the node steps down, so no leader state can leak into a
 * later term. The term is therefore a constant here.
 */
final class Leader {

  private final String id;
  private final long term;
  private final RaftConfig config;
  private final RaftLog log;
  private final Effects effects;

  private final ReadConfirmation reads;
  private final LogReplicator replication;
  private final LeadershipTransfer transfer;
  private int heartbeatElapsed;
  private int checkQuorumElapsed;

  /**
   * Whether this leader has messages (its first appends, or a heartbeat round) that the runtime has
   * not carried out yet. Meanwhile check-quorum's clock stands still: after a pause of this node's
   * thread (a slow fsync, a GC, the one just before the election was won) the runtime feeds the
   * pause's ticks in a burst, before anything could be sent, and counting them would step down a
   * leader whose followers were never asked. So the election timeout check-quorum waits is one of
   * asking, not of being paused.
   */
  private boolean unsent = true;

  Leader(
      String id,
      long term,
      RaftConfig config,
      Set<InjectedBug> planted,
      RaftLog log,
      Effects effects,
      Supplier<Snapshot> latestSnapshot,
      Function<Snapshot, SnapshotData> exporter,
      LongSupplier now) {
    this.id = id;
    this.term = term;
    this.config = config;
    this.log = log;
    this.effects = effects;
    this.reads = new ReadConfirmation(id, term, config, planted, log, effects, now);
    // Reads parked until this term's first commit are registered the moment it happens.
    this.replication = new LogReplicator(
        id, term, config, planted, log, effects, latestSnapshot, exporter, now, reads::committed);
    this.transfer = new LeadershipTransfer(id, term, config, log, effects, replication, reads, planted);
  }

  /**
   * Starts the term. §5.4.2 and thesis §6.4: an entry of our own term (a no-op) lets earlier
   * entries commit, and tells us our commit index is current, which ReadIndex needs.
   */
  void start() {
    long index = log.lastIndex() + 1;
    Membership members = log.membership();
    if (members.index() == 0) {
      // The first leader writes the bootstrap configuration into the log (changing nothing), so
      // every node that later receives the log, a joining one included, learns it from there.
      append(LogEntry.config(term, index, MembershipCodec.encode(members.atIndex(index))));
    } else {
      append(LogEntry.noop(term, index));
    }
  }

  /**
   * Appends {@code entry} to our log and sends it to every follower ready for more. A configuration
   * entry takes effect here, as it is appended (thesis §4.1): from now on this leader replicates to
   * the new members and counts the new voters.
   */
  void append(LogEntry entry) {
    if (entry.type() == EntryType.CONFIG) {
      // Counted under the new configuration from the moment it is in the log; reads and the lease
      // first, so that nothing confirmed during the append rests on the old voters' acks.
      List<String> votersBefore = log.membership().voters();
      log.append(entry);
      reads.membershipChanged(!log.membership().voters().equals(votersBefore));
      replication.appended(entry);
      return;
    }
    replication.append(entry);
  }

  /**
   * Whether this leader must step down because the configuration that removed it from the voters
   * is committed (thesis §4.2.2): until then it manages the cluster without counting itself.
   */
  boolean removedAndCommitted() {
    return !log.membership().isVoter(id) && !log.membershipChangePending();
  }

  /**
   * How far {@code peer} is behind this leader's log, or -1 when it is not a member or has not
   * answered within an election timeout.
   */
  long lag(String peer) {
    return replication.lag(peer);
  }

  /**
   * One tick: heartbeats, and check-quorum.
   *
   * @return false when the leader must step down: it has not heard from a majority for an election
   *     timeout (thesis §6.2), so clients should go elsewhere
   */
  boolean tick() {
    // Both timeouts wait for answers to what this leader sent: time it could not send in is not theirs.
    if (!unsent) transfer.tick();
    heartbeatElapsed++;
    if (!unsent) checkQuorumElapsed++;
    if (checkQuorumElapsed >= config.electionTimeoutTicks()) {
      checkQuorumElapsed = 0;
      if (config.checkQuorum() && !replication.quorumRecentlyActive()) return false;
      replication.forgetActivity();
    }
    if (heartbeatElapsed >= config.heartbeatIntervalTicks()) {
      heartbeatElapsed = 0;
      broadcastHeartbeat();
    }
    return true;
  }

  /** The runtime carried out a Ready: every message this leader queued has been sent. */
  void readyCarriedOut() {
    unsent = false;
  }

  /** Reads registered since the last heartbeat round need one; sends it. */
  void flushReadRound() {
    if (reads.roundNeeded()) broadcastHeartbeat();
  }

  boolean readRoundNeeded() {
    return reads.roundNeeded();
  }

  /**
   * A heartbeat carries {@code min(matchIndex, commitIndex)}: it performs no consistency check, so it
   * must never let a follower commit an entry it has not matched. Its read sequence confirms the
   * reads registered before it.
   */
  private void broadcastHeartbeat() {
    unsent = true;
    long seq = reads.startRound();
    for (String peer : replication.peers()) {
      long commit = Math.min(replication.matchIndex(peer), log.commitIndex());
      effects.send(new Heartbeat(id, peer, term, commit, seq,
          config.tickMicros(), config.electionTimeoutTicks()));
    }
  }

  /** A linearizable read for a local client ({@code origin == null}) or a follower's client. */
  void read(long requestId, String origin) {
    reads.read(requestId, origin);
  }

  /** Serves at once while the lease holds, else falls back to {@link #read}. */
  void leaseRead(long requestId) {
    reads.leaseRead(requestId);
  }

  /** Whether a lease read now would be answered at once, with no round trip. */
  boolean servesLeaseReads() {
    return reads.servesLeaseReads();
  }

  /**
   * Leadership is over: every read still waiting fails (never served from unconfirmed state), and
   * every snapshot transfer ends.
   */
  void stepDown() {
    reads.stepDown();
    replication.endTransfers();
  }

  /** The node stops: every snapshot transfer ends, releasing what its data holds open. */
  void endSnapshotTransfers() {
    replication.endTransfers();
  }

  void onAppendResponse(AppendEntriesResponse r) {
    replication.onAppendResponse(r);
    transfer.replicated(r.from());
  }

  /** Hands the leadership to {@code peer}, a voter other than this leader (see {@link LeadershipTransfer}). */
  void transferTo(String peer) {
    if (peer.equals(id) || !log.membership().isVoter(peer)) {
      throw new IllegalArgumentException(peer + " is not another voter");
    }
    transfer.start(peer);
  }

  /** The transport lost its connection to {@code peer}: a transfer to it cannot finish. */
  void peerUnreachable(String peer) {
    transfer.targetUnreachable(peer);
  }

  /** The voter the leadership is being handed to, or null. */
  String transferee() {
    return transfer.target();
  }

  /**
   * A heartbeat's answer serves both halves: it acknowledges a read round (and maybe the lease),
   * then shows whether replication to that follower is stuck.
   */
  void onHeartbeatResponse(HeartbeatResponse r) {
    if (!replication.replicatesTo(r.from())) return;
    reads.heartbeatAnswered(r);
    replication.onHeartbeatResponse(r);
  }

  void onSnapshotResponse(InstallSnapshotResponse r) {
    replication.onSnapshotResponse(r);
  }

  /**
   * Followers whose last heartbeat answer said their vote-refusal promise is shorter than this
   * leader's lease assumes: their acknowledgements do not extend the lease.
   */
  Set<String> followersShortOfLease() {
    return reads.followersShortOfLease();
  }

  /** Each follower's match index. */
  Map<String, Long> matchIndexes() {
    return replication.matchIndexes();
  }
}
