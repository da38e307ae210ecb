package io.bellwether.core.engine;

import io.bellwether.core.message.HeartbeatResponse;
import io.bellwether.core.message.ReadIndexResponse;
import io.bellwether.core.Member;
import io.bellwether.core.Membership;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

/**
 * A leader's linearizable reads (thesis §6.4): ReadIndex, where a heartbeat round acknowledged by a
 * majority after the read arrived proves this node still leads, and the lease, where a recent such
 * round lets it answer at once. It registers reads, numbers the heartbeat rounds, counts each
 * follower's acknowledgements, and hands out the reads each round confirms.
 *
 * <p>Separate from {@link LogReplicator} because it shares nothing with replication but the
 * heartbeat that carries both: a read never waits for an append, and an append never for a read.
 * What the followers' answers say about reads (the round they echoed, whether their vote-refusal
 * promise covers the lease) lives here, not in {@link Progress}. One lives as long as one
 * leadership, like {@link Leader}.
 */
final class ReadConfirmation {

  /** What one follower's heartbeat answers said about reads. */
  private static final class Acks {
    /** Highest read sequence the follower echoed (ReadIndex acknowledgements). */
    long readSeq;

    /**
     * Highest read sequence the follower echoed while saying its vote-refusal promise covers our
     * lease: only these acknowledgements extend the lease (see {@link LeaseTiming}).
     */
    long leaseReadSeq;

    /** The follower's last heartbeat answer said its promise is shorter than our lease assumes. */
    boolean promiseShortOfLease;
  }

  private final String id;
  private final long term;
  private final RaftConfig config;
  private final Set<InjectedBug> planted;
  private final RaftLog log;
  private final Effects effects;
  private final LongSupplier now;

  private final Map<String, Acks> acks = new TreeMap<>();
  private final ReadIndexQueue reads = new ReadIndexQueue();
  private final LeaderLease lease = new LeaderLease();
  private boolean leaseGivenUp;

  /**
   * The first heartbeat round sent under the current configuration. Acknowledgements of earlier
   * rounds came from a majority of an older configuration, so they confirm no read and back no
   * lease under this one: after a change, reads and the lease wait for a round of the new one.
   */
  private long firstRoundOfConfiguration;

  ReadConfirmation(
      String id,
      long term,
      RaftConfig config,
      Set<InjectedBug> planted,
      RaftLog log,
      Effects effects,
      LongSupplier now) {
    this.id = id;
    this.term = term;
    this.config = config;
    this.planted = planted;
    this.log = log;
    this.effects = effects;
    this.now = now;
    syncMembers();
  }

  /**
   * This leader appended a configuration entry: track every other member's acknowledgements
   * (learners answer heartbeats too, though only voters count). If the voters changed, neither the
   * lease nor a read may rest on a round sent under the old ones; and if this leader is now the
   * only voter, the reads waiting for acknowledgements need none.
   */
  void membershipChanged(boolean votersChanged) {
    syncMembers();
    if (!votersChanged) return;
    lease.reset();
    firstRoundOfConfiguration = reads.sentSeq() + 1;
    if (soleVoter()) confirmReads();
  }

  private void syncMembers() {
    Membership members = log.membership();
    acks.keySet().removeIf(peer -> !members.contains(peer));
    for (Member m : members.members()) {
      if (!m.id().equals(id)) acks.putIfAbsent(m.id(), new Acks());
    }
  }

  /** Whether this leader is the only voter: its own word is a majority, with no round trip. */
  private boolean soleVoter() {
    List<String> voters = log.membership().voters();
    return voters.size() == 1 && voters.get(0).equals(id);
  }

  /** A linearizable read for a local client ({@code origin == null}) or a follower's client. */
  void read(long requestId, String origin) {
    if (!committedInCurrentTerm()) {
      // Until the leader commits its no-op, its commit index may lag the true one (thesis §6.4).
      reads.park(requestId, origin);
      return;
    }
    reads.register(log.commitIndex(), requestId, origin);
    if (soleVoter() || planted.contains(InjectedBug.READ_WITHOUT_QUORUM)) confirmReads();
  }

  /** Serves at once while the lease holds, else falls back to {@link #read}. */
  void leaseRead(long requestId) {
    if (servesLeaseReads()) {
      effects.readReady(requestId, log.commitIndex());
    } else {
      read(requestId, null);
    }
  }

  /**
   * This leader hands its leadership over (thesis §3.10): from now on, for the rest of its term, it
   * serves no read from its lease. The node it hands over to will be elected past its voters'
   * promise not to vote, which is what the lease rests on; a late TimeoutNow may even elect it after
   * this transfer was given up. Reads still work, confirmed by a heartbeat round.
   */
  void giveUpLease() {
    leaseGivenUp = true;
  }

  /** Whether a lease read now would be answered at once, with no round trip. */
  boolean servesLeaseReads() {
    if (leaseGivenUp) return false;
    boolean leaseHolds = soleVoter() || lease.isValid(now.getAsLong())
        || planted.contains(InjectedBug.LEASE_NOT_CHECKED);
    return config.checkQuorum() && committedInCurrentTerm() && leaseHolds;
  }

  /** Whether reads registered since the last heartbeat round need one. */
  boolean roundNeeded() {
    return reads.roundNeeded();
  }

  /**
   * A heartbeat round is being sent now: returns the sequence it carries, which confirms every read
   * registered before it, and from whose sending the lease will run once a majority acknowledges it.
   */
  long startRound() {
    long seq = reads.nextRound();
    lease.roundSent(seq, now.getAsLong());
    return seq;
  }

  /**
   * The commit index rose. Reads that arrived before the leader committed an entry of its own term
   * may be registered now that it has.
   */
  void committed() {
    if (!committedInCurrentTerm()) return;
    for (ReadIndexQueue.ParkedRead p : reads.takeParked()) read(p.requestId(), p.origin());
  }

  /** A follower answered a heartbeat: its acknowledgement may confirm reads and extend the lease. */
  void heartbeatAnswered(HeartbeatResponse r) {
    Acks a = acks.get(r.from());
    if (a == null) return; // no longer a member
    // Only an answer to one of our rounds judged our timing. A follower answers a heartbeat of an
    // older term with readSeq 0 (and no promise), and such an answer can arrive once we lead in
    // the follower's term; it says nothing about our lease (found by the simulation).
    if (r.readSeq() > 0) a.promiseShortOfLease = !r.promiseCoversLease();
    if (r.promiseCoversLease() && r.readSeq() > a.leaseReadSeq) {
      // Only a follower whose promise lasts as long as our lease assumes may back the lease; every
      // answer still confirms ReadIndex rounds (below) and counts for check-quorum.
      a.leaseReadSeq = r.readSeq();
      lease.quorumAcknowledged(leaseAcknowledgedSeq(), leaseTicks());
    }
    if (r.readSeq() > a.readSeq) {
      a.readSeq = r.readSeq();
      confirmReads();
    }
  }

  /** Leadership is over: every read still waiting fails (never served from unconfirmed state). */
  void stepDown() {
    for (ReadIndexQueue.PendingRead p : reads.drainAll()) {
      if (p.origin() == null) {
        effects.readFailed(p.requestId(), FailedRead.Cause.LEADERSHIP_LOST);
      } else {
        effects.send(new ReadIndexResponse(id, p.origin(), term, p.requestId(), false, 0));
      }
    }
  }

  /**
   * Followers whose last heartbeat answer said their vote-refusal promise is shorter than this
   * leader's lease assumes: their acknowledgements do not extend the lease.
   */
  Set<String> followersShortOfLease() {
    Set<String> out = null; // asked after every batch: allocate nothing in the usual case
    for (Map.Entry<String, Acks> e : acks.entrySet()) {
      if (!e.getValue().promiseShortOfLease) continue;
      if (out == null) out = new TreeSet<>();
      out.add(e.getKey());
    }
    return out == null ? Set.of() : out;
  }

  private boolean committedInCurrentTerm() {
    return log.term(log.commitIndex()) == term;
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

  /** Hands out every read the rounds acknowledged by a majority confirm, oldest first. */
  private void confirmReads() {
    long confirmedSeq = soleVoter() ? Long.MAX_VALUE : quorumAcknowledgedSeq();
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

  /** The newest heartbeat round a majority (this leader included) has acknowledged. */
  private long quorumAcknowledgedSeq() {
    return seqReachedByMajority(a -> a.readSeq);
  }

  /**
   * The newest heartbeat round a majority (this leader included) has acknowledged with a promise
   * that covers our lease: the lease may run from when that round was sent.
   */
  private long leaseAcknowledgedSeq() {
    return seqReachedByMajority(a -> a.leaseReadSeq);
  }

  /**
   * The newest round a majority of the voters acknowledged (this leader's own rounds count if it
   * votes), counting only rounds of the current configuration; 0 when there is none yet.
   */
  private long seqReachedByMajority(ToLongFunction<Acks> ackedSeq) {
    List<String> voters = log.membership().voters();
    if (voters.isEmpty()) return 0;
    long[] acked = new long[voters.size()];
    int i = 0;
    for (String v : voters) {
      long seq = v.equals(id) ? reads.sentSeq() : ackedSeq.applyAsLong(acks.get(v));
      acked[i++] = seq >= firstRoundOfConfiguration ? seq : 0;
    }
    return Quorum.indexReachedBy(acked, Quorum.majority(voters.size()));
  }
}
