package io.bellwether.core.engine;

import io.bellwether.core.HardState;
import io.bellwether.core.LogEntry;
import io.bellwether.core.RequestFailedException;
import io.bellwether.core.message.AppendEntries;
import io.bellwether.core.message.AppendEntriesResponse;
import io.bellwether.core.message.Heartbeat;
import io.bellwether.core.message.HeartbeatResponse;
import io.bellwether.core.message.InstallSnapshot;
import io.bellwether.core.message.InstallSnapshotResponse;
import io.bellwether.core.message.Message;
import io.bellwether.core.message.ReadIndexRequest;
import io.bellwether.core.message.ReadIndexResponse;
import io.bellwether.core.message.RequestVote;
import io.bellwether.core.message.RequestVoteResponse;
import io.bellwether.core.spi.Snapshot;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.random.RandomGenerator;

/**
 * The Raft consensus engine for one node: pure, single-threaded, deterministic.
 *
 * <p>It owns no thread, reads no clock and does no I/O. Time arrives as {@link #tick()}, messages as
 * {@link #step(Message)}, client work as {@link #propose(byte[])} and {@link #readIndex(long)}. What
 * the node must then do (persist, send, apply, answer reads) is collected and handed over by {@link
 * #ready()}; the runtime carries each {@link Ready} out and confirms it with {@link #advance} before
 * it asks for the next. Given the same inputs and the same random generator, it produces the same
 * outputs, which is what makes whole-cluster simulation from a seed possible.
 *
 * <p>Not thread-safe by design: exactly one thread (the node's runtime, or a simulator) drives it.
 */
public final class RaftEngine {

  private final String id;
  private final List<String> voters;
  private final List<String> peers;
  private final RaftConfig config;
  private final RandomGenerator random;
  private final RaftLog log;

  // Persistent state (Figure 2), handed out in Ready.hardState when changed.
  private long term;
  private String votedFor;
  private HardState lastHandedOut;

  private Role role = Role.FOLLOWER;
  private String leaderId;

  /** When to start an election, and until when to refuse votes (the promise leases rest on). */
  private final ElectionTimer electionTimer;

  /** Votes received in the current (pre-)election. */
  private VoteTally votes;

  /** The leader's state for the current term while this node leads, else null. */
  private Leader leader;

  /** Ticks since this engine was created: the clock of leases and of the vote promise. */
  private long now;

  /**
   * The timing the last heartbeat announced, and its sender: the leader's side of the lease rule
   * ({@link LeaseTiming}), kept for the runtime to report a mismatch.
   */
  private LeaseTiming heardTiming;

  private String heardTimingFrom;

  /** Follower only: reads forwarded to the leader and not yet answered; created on first use. */
  private ForwardedReads forwardedReads;

  /** The newest snapshot this node holds (taken or installed), sent to followers that need it. */
  private Snapshot latestSnapshot;

  /** Follower only: a snapshot being received from the leader. */
  private SnapshotReceiver receiver;

  // Effects accumulated until the next ready().
  private final Effects effects = new Effects();

  /** A snapshot received in full and verified, to persist and restore. */
  private Snapshot snapshotToInstall;

  /** The Ready handed out by {@link #ready()} and not yet {@link #advance advanced}, or null. */
  private Ready readyOut;

  /**
   * Deliberate bugs, planted only by the test kit through {@link #plant} (package-private, so no
   * configuration, setting or public API can switch one on). Always empty in a real node.
   */
  private Set<InjectedBug> planted = Set.of();

  /**
   * Builds an engine from what the node's store holds.
   *
   * @param voters every voting member, this node included
   * @param hardState the stored term, vote and commit index
   * @param snapshot the stored snapshot, or null
   * @param entries the stored entries after the snapshot
   * @param random the only source of randomness (election timeouts)
   */
  public RaftEngine(
      String id,
      Set<String> voters,
      RaftConfig config,
      RandomGenerator random,
      HardState hardState,
      Snapshot snapshot,
      List<LogEntry> entries) {
    this.id = Objects.requireNonNull(id, "id");
    if (!voters.contains(id)) throw new IllegalArgumentException("voters must include " + id);
    this.voters = List.copyOf(new TreeSet<>(voters));
    this.peers = this.voters.stream().filter(v -> !v.equals(id)).toList();
    this.config = Objects.requireNonNull(config, "config");
    this.random = Objects.requireNonNull(random, "random");
    this.log =
        new RaftLog(
            snapshot == null ? 0 : snapshot.lastIndex(),
            snapshot == null ? 0 : snapshot.lastTerm(),
            entries);
    this.latestSnapshot = snapshot;
    this.term = hardState.term();
    this.votedFor = hardState.votedFor();
    this.lastHandedOut = hardState;
    boolean hasHistory = hardState.term() > 0 || !entries.isEmpty() || snapshot != null;
    this.electionTimer = new ElectionTimer(config.electionTimeoutTicks(), random, hasHistory);
  }

  /** Test kit only (same package): switches on deliberate bugs; call before the first input. */
  void plant(Set<InjectedBug> bugs) {
    this.planted = Set.copyOf(bugs);
  }

  boolean has(InjectedBug bug) {
    return planted.contains(bug);
  }

  // ---------------------------------------------------------------- inputs

  /** One unit of logical time has passed. */
  public void tick() {
    now++;
    if (role == Role.LEADER) {
      tickLeader();
    } else {
      tickFollowerOrCandidate();
    }
  }

  private void tickFollowerOrCandidate() {
    boolean timedOut = electionTimer.tick();
    if (role == Role.FOLLOWER) sendForwardedReads(); // again, if the request out went unanswered
    if (timedOut) {
      // §5.2: no word from a leader for an election timeout, so start an election.
      if (config.preVote()) {
        becomePreCandidate();
      } else {
        becomeCandidate();
      }
    } else if (role == Role.PRE_CANDIDATE || role == Role.CANDIDATE) {
      askVotersAgain();
    }
  }

  /**
   * A voter still hearing from the old leader ignores a (pre-)vote request without answering
   * (§4.2.3), and its refusal window can end a tick after ours, since every node counts ticks from
   * its own phase. Asking the voters that have not answered once per tick lets the election finish as
   * soon as they may vote, instead of a whole randomized timeout later. Repeats are harmless: a pre-
   * vote changes nothing, and a voter grants the same candidate again in the same term.
   */
  private void askVotersAgain() {
    boolean preVote = role == Role.PRE_CANDIDATE;
    long electionTerm = preVote ? term + 1 : term;
    for (String peer : peers) {
      if (votes.hasAnswered(peer)) continue;
      send(new RequestVote(id, peer, electionTerm, log.lastIndex(), log.lastTerm(), preVote));
    }
  }

  /**
   * The transport lost, or could not open, its connection to {@code peer}: a hint that the peer's
   * process is gone. The host of a crashed process closes its sockets at once; a crashed host, a
   * frozen process or a partition gives no such hint, and the timers alone decide, as before.
   *
   * <p>If the peer is this follower's leader, the election timer is set from its random draw in
   * {@code [T, 2T)} to {@code T} (the minimum election timeout) plus a stagger by rank: the survivors,
   * sorted by id, wait {@code T}, {@code T + T/2}, {@code T + 2T/2}... so that one of them asks first
   * and a split vote is unlikely. Only <em>when</em> an election starts changes, never who may vote:
   * every voter still refuses votes for {@code T} ticks after it last heard from the leader, which is
   * what leader leases rely on. A false alarm (the connection dropped, the leader lives) is cancelled
   * by the leader's next message.
   */
  public void peerUnreachable(String peer) {
    if (role != Role.FOLLOWER || leaderId == null || !leaderId.equals(peer)) return;
    electionTimer.leaderUnreachable(voters, id, peer);
  }

  private void tickLeader() {
    if (!leader.tick()) {
      // Thesis §6.2: a leader cut off from a majority steps down, so clients go elsewhere.
      becomeFollower(term, null);
    }
  }

  /**
   * Handles a message from a peer. Messages for another node are ignored; so are stale ones, except
   * that a stale leader is told the newer term so it steps down.
   */
  public void step(Message m) {
    if (!id.equals(m.to()) || m.from().equals(id)) return;
    if (m.term() > term) {
      if (!acceptHigherTerm(m)) return;
    } else if (m.term() < term) {
      answerStale(m);
      return;
    }
    // Java 17 has no pattern switch; a chain of instanceof reads the same.
    if (m instanceof RequestVote rv) handleRequestVote(rv);
    else if (m instanceof RequestVoteResponse r) handleVoteResponse(r);
    else if (m instanceof AppendEntries ae) handleAppendEntries(ae);
    else if (m instanceof Heartbeat hb) handleHeartbeat(hb);
    else if (m instanceof AppendEntriesResponse r) {
      if (leader != null) leader.onAppendResponse(r);
    } else if (m instanceof HeartbeatResponse r) {
      if (leader != null) leader.onHeartbeatResponse(r);
    }
    else if (m instanceof ReadIndexRequest r) handleReadIndexRequest(r);
    else if (m instanceof ReadIndexResponse r) handleReadIndexResponse(r);
    else if (m instanceof InstallSnapshot is) handleInstallSnapshot(is);
    else if (m instanceof InstallSnapshotResponse r) {
      if (leader != null) leader.onSnapshotResponse(r);
    }
  }

  /**
   * A message carries a higher term. §5.1: adopt it and become follower, with these exceptions.
   *
   * @return whether to go on handling the message
   */
  private boolean acceptHigherTerm(Message m) {
    if (m instanceof RequestVote rv) {
      if (config.checkQuorum() && inLeaderLease()) {
        // Thesis §4.2.3: while we hear from a leader, a vote request is from a disruptive server
        // (removed, or back from a partition); neither raise our term nor grant the vote.
        return false;
      }
      // A pre-vote request carries the term the candidate would use; it changes nothing here.
      if (rv.preVote()) return true;
      becomeFollower(m.term(), null);
      return true;
    }
    if (m instanceof RequestVoteResponse r && r.preVote() && r.voteGranted()) {
      return true; // a granted pre-vote echoes the proposed term; ours has not changed yet
    }
    boolean fromLeader =
        m instanceof AppendEntries || m instanceof Heartbeat || m instanceof InstallSnapshot;
    String leader = fromLeader ? m.from() : null;
    becomeFollower(m.term(), leader);
    return true;
  }

  /** §5.1: "if a server receives a request with a stale term number, it rejects the request". */
  private void answerStale(Message m) {
    if (m instanceof AppendEntries ae) {
      send(new AppendEntriesResponse(id, ae.from(), term, false, 0, 0, 0));
    } else if (m instanceof Heartbeat hb) {
      send(new HeartbeatResponse(id, hb.from(), term, 0, log.lastIndex(), false));
    } else if (m instanceof RequestVote rv && rv.preVote()) {
      send(new RequestVoteResponse(id, rv.from(), term, false, true));
    } else if (m instanceof ReadIndexRequest r) {
      send(new ReadIndexResponse(id, r.from(), term, r.requestId(), false, 0));
    } else if (m instanceof InstallSnapshot is) {
      send(new InstallSnapshotResponse(id, is.from(), term, is.lastIndex(), 0, false));
    }
    // Stale answers to our own old requests need nothing.
  }

  /**
   * Proposes a command. Only the leader accepts; the entry is committed later, when a majority holds
   * it (watch {@link Ready#committedEntries()} for its index and term).
   *
   * @return the log index the command was given
   * @throws RequestFailedException NOT_LEADER / NO_LEADER when not leader, OVERLOADED when too many
   *     entries are uncommitted; in every case the command was not appended
   */
  public long propose(byte[] command) {
    // Check the role before building the entry: a node that never saw a leader is at term 0, for
    // which no entry can exist (found by the simulation, seed 4).
    checkCanAppend();
    LogEntry entry = LogEntry.command(term, log.lastIndex() + 1, command);
    leader.append(entry);
    return entry.index();
  }

  private void checkCanAppend() {
    if (role != Role.LEADER) {
      throw leaderId == null
          ? new RequestFailedException(RequestFailedException.Reason.NO_LEADER, "no leader known")
          : new RequestFailedException(
              RequestFailedException.Reason.NOT_LEADER, "not the leader; leader is " + leaderId, leaderId);
    }
    if (log.lastIndex() - log.commitIndex() >= config.maxUncommittedEntries()) {
      throw new RequestFailedException(
          RequestFailedException.Reason.OVERLOADED,
          "too many uncommitted entries (" + config.maxUncommittedEntries() + "); retry later");
    }
  }

  /**
   * Asks for a linearizable read (ReadIndex, thesis §6.4). The answer comes later through {@link
   * Ready#readStates()} (serve once applied up to its index) or {@link Ready#failedReads()}. On a
   * follower the request is forwarded to the leader.
   */
  public void readIndex(long requestId) {
    if (role != Role.LEADER && has(InjectedBug.FOLLOWER_READ_WITHOUT_READ_INDEX)) {
      effects.readReady(requestId, 0);
      return;
    }
    if (leader != null) {
      leader.read(requestId, null);
    } else if (leaderId != null) {
      // Thesis §6.4.2: a follower asks the leader for a read index; concurrent reads share a request.
      if (forwardedReads == null) forwardedReads = new ForwardedReads(random.nextLong());
      forwardedReads.add(requestId); // sent by ready(), with every read queued until then
    } else {
      effects.readFailed(requestId);
    }
  }

  /**
   * Asks for a read under the leader's lease (thesis §6.4.1): on a leader whose lease holds, the read
   * is safe at once at the current commit index, with no round trip. Anywhere else, or when the lease
   * cannot be confirmed, it falls back to {@link #readIndex}, which is never weaker.
   */
  public void leaseRead(long requestId) {
    if (leader != null) {
      leader.leaseRead(requestId);
    } else {
      readIndex(requestId);
    }
  }

  // ---------------------------------------------------------------- output

  /**
   * Whether {@link #ready()} has anything to hand out.
   *
   * @throws IllegalStateException if the last Ready handed out was not yet {@link #advance advanced}
   */
  public boolean hasReady() {
    requireNoReadyOut("hasReady()");
    return !effects.isEmpty()
        || snapshotToInstall != null
        || (leader != null && leader.readRoundNeeded())
        || (forwardedReads != null && role == Role.FOLLOWER && leaderId != null
            && forwardedReads.hasRequestToSend())
        || !currentHardState().equals(lastHandedOut)
        || log.hasCommittedToApply()
        || log.hasUnstable();
  }

  /**
   * Hands over the effects accumulated since the last call, and forgets them: the caller must carry
   * them out, in {@link Ready}'s order, then call {@link #advance} with it, before it asks for the
   * next one.
   *
   * @throws IllegalStateException if the last Ready handed out was not yet {@link #advance advanced}
   */
  public Ready ready() {
    requireNoReadyOut("ready()");
    if (leader != null) leader.flushReadRound(); // one heartbeat round for all reads just queued
    if (role == Role.FOLLOWER) sendForwardedReads(); // one read-index request for them, likewise
    HardState hs = currentHardState();
    HardState changed = hs.equals(lastHandedOut) ? null : hs;
    boolean termOrVoteChanged =
        hs.term() != lastHandedOut.term() || !Objects.equals(hs.votedFor(), lastHandedOut.votedFor());
    lastHandedOut = hs;
    Ready r =
        new Ready(
            changed,
            log.takeUnstable(),
            effects.takeMessages(),
            log.takeCommitted(config.maxApplyBytes()),
            effects.takeReadStates(),
            effects.takeFailedReads(),
            snapshotToInstall,
            termOrVoteChanged);
    snapshotToInstall = null;
    readyOut = r;
    return r;
  }

  /**
   * The runtime has carried out {@code ready}, the Ready last handed out: persisted and synced it,
   * sent its messages, restored its snapshot and applied its committed entries. Only now do those
   * entries count as applied ({@link #appliedIndex()}), which is what a local snapshot may cover.
   *
   * @throws IllegalStateException if {@code ready} is not the Ready last handed out, or was advanced
   *     already
   */
  public void advance(Ready ready) {
    if (readyOut == null) {
      throw new IllegalStateException(
          "advance() with no Ready out: each Ready from ready() is advanced once, after it is carried out");
    }
    if (ready != readyOut) {
      throw new IllegalStateException("advance() given a Ready other than the one ready() handed out last");
    }
    readyOut = null;
    if (ready.snapshot() != null) log.appliedTo(ready.snapshot().lastIndex());
    List<LogEntry> applied = ready.committedEntries();
    if (!applied.isEmpty()) log.appliedTo(applied.get(applied.size() - 1).index());
  }

  /**
   * The contract of {@link #ready()}: one Ready at a time. A runtime that asked for the next before
   * it carried out the last could send messages that promise what it has not yet made durable, or
   * apply entries out of order; it fails here, at once, rather than corrupt a node quietly.
   */
  private void requireNoReadyOut(String call) {
    if (readyOut != null) {
      throw new IllegalStateException(call + " called while the last Ready is still out: carry it out"
          + " (persist and sync, send, apply) and call advance(ready) before asking for the next one");
    }
  }

  private HardState currentHardState() {
    return new HardState(term, votedFor, log.commitIndex());
  }

  // ---------------------------------------------------------------- role changes

  private void becomeFollower(long newTerm, String newLeader) {
    if (leader != null) {
      leader.stepDown();
      leader = null;
    }
    if (newTerm > term) {
      term = newTerm;
      votedFor = null;
    }
    role = Role.FOLLOWER;
    if (!Objects.equals(leaderId, newLeader)) failForwardedReads();
    leaderId = newLeader;
    electionTimer.reset();
  }

  private void becomePreCandidate() {
    // Thesis §9.6: ask first whether we could win, without raising our term, so that a node that
    // cannot win (a stale log, or cut off from the majority) never disrupts the cluster.
    role = Role.PRE_CANDIDATE;
    failForwardedReads();
    leaderId = null;
    electionTimer.reset();
    votes = new VoteTally(voters.size());
    votes.record(id, true);
    if (votes.won()) {
      becomeCandidate();
      return;
    }
    for (String peer : peers) {
      send(new RequestVote(id, peer, term + 1, log.lastIndex(), log.lastTerm(), true));
    }
  }

  private void becomeCandidate() {
    // §5.2: increment the term, vote for self, request votes from everyone else.
    role = Role.CANDIDATE;
    failForwardedReads();
    leaderId = null;
    term++;
    votedFor = id;
    electionTimer.reset();
    votes = new VoteTally(voters.size());
    votes.record(id, true);
    if (votes.won()) {
      becomeLeader();
      return;
    }
    for (String peer : peers) {
      send(new RequestVote(id, peer, term, log.lastIndex(), log.lastTerm(), false));
    }
  }

  private void becomeLeader() {
    role = Role.LEADER;
    leaderId = id;
    votes = null;
    // A leader's election timer stays at zero: it counts as hearing from itself, so it ignores
    // disruptive vote requests (thesis §4.2.3); check-quorum runs in the Leader instead.
    electionTimer.holdWhileLeading();
    leader = new Leader(id, term, voters, config, planted, log, effects, () -> latestSnapshot, () -> now);
    leader.start();
  }

  /**
   * Whether this node must refuse (pre-)votes (thesis §4.2.3, and what leader leases rest on): it
   * leads, it heard from a leader less than a (minimum) election timeout ago, whatever its term and
   * leader field say now, or it started less than that long ago: a restarted node cannot know
   * whether it acknowledged a leader just before it stopped, and granting a vote at once could let
   * a new leader overlap an old leader's lease.
   */
  private boolean inLeaderLease() {
    if (electionTimer.inStartupQuiet(now) || role == Role.LEADER) return true;
    if (has(InjectedBug.VOTE_PROMISE_NEEDS_LEADER_FIELD)) {
      return leaderId != null && electionTimer.elapsed() < config.electionTimeoutTicks();
    }
    // The promise is kept by time alone. Any other test can end it early: a term adopted from a
    // rejected pre-vote, say, arrives with no leader, yet the old leader may still be counting on
    // our last acknowledgement for its lease.
    return electionTimer.heardLeaderWithinTimeout(now);
  }

  // ---------------------------------------------------------------- elections

  private void handleRequestVote(RequestVote rv) {
    if (!rv.preVote() && config.checkQuorum() && inLeaderLease() && !has(InjectedBug.DOUBLE_VOTE)) {
      // A request of our own term must wait out the promise too: our term may have moved on
      // without a leader (a rejected pre-vote carrying the candidate's term), while the old
      // leader's lease, which our last acknowledgement extended, still runs. Ignored, not refused,
      // as for a higher term: a candidate counts a refusal against itself and stops asking, while
      // an unanswered voter is asked again next tick, and may grant once the promise has run out.
      return;
    }
    boolean grant = canVoteFor(rv) && log.isUpToDate(rv.lastLogIndex(), rv.lastLogTerm());
    if (grant && !rv.preVote()) {
      votedFor = rv.from();
      electionTimer.reset(); // Figure 2: granting a vote resets the election timer
    }
    long answerTerm = rv.preVote() && grant ? rv.term() : term;
    send(new RequestVoteResponse(id, rv.from(), answerTerm, grant, rv.preVote()));
  }

  private boolean canVoteFor(RequestVote rv) {
    if (rv.preVote()) {
      // A pre-vote is for a future term; grant it unless we know a live leader.
      return rv.term() > term && !(config.checkQuorum() && inLeaderLease());
    }
    if (has(InjectedBug.DOUBLE_VOTE)) return true;
    // §5.2: at most one vote per term, first come first served.
    return rv.from().equals(votedFor) || (votedFor == null && leaderId == null);
  }

  private void handleVoteResponse(RequestVoteResponse r) {
    boolean counts =
        (role == Role.PRE_CANDIDATE && r.preVote() && (r.term() == term + 1 || !r.voteGranted()))
            || (role == Role.CANDIDATE && !r.preVote() && r.term() == term);
    if (!counts || !voters.contains(r.from())) return;
    votes.record(r.from(), r.voteGranted());
    if (votes.won()) {
      if (role == Role.PRE_CANDIDATE) becomeCandidate();
      else becomeLeader();
    } else if (votes.lost()) {
      becomeFollower(term, null);
    }
  }

  // ---------------------------------------------------------------- replication, follower side

  private void handleAppendEntries(AppendEntries ae) {
    hearFromLeader(ae.from());
    if (ae.prevLogIndex() < log.commitIndex()) {
      // Everything up to our commit index already matches any current leader (Leader Completeness),
      // so only what lies beyond it can be new; trim and treat as matched at the commit index.
      List<LogEntry> beyond =
          ae.entries().stream().filter(e -> e.index() > log.commitIndex()).toList();
      long prev = log.commitIndex();
      appendMatching(ae.from(), prev, beyond, ae.leaderCommit(), Math.max(prev, ae.lastIndex()));
      return;
    }
    if (!log.matchTerm(ae.prevLogIndex(), ae.prevLogTerm())) {
      rejectAppend(ae);
      return;
    }
    appendMatching(ae.from(), ae.prevLogIndex(), ae.entries(), ae.leaderCommit(), ae.lastIndex());
  }

  private void appendMatching(
      String leader, long prevIndex, List<LogEntry> entries, long leaderCommit, long lastNew) {
    log.appendFromLeader(entries);
    long matched = Math.max(prevIndex, lastNew);
    // Figure 2: commitIndex = min(leaderCommit, index of last new entry).
    log.commitTo(Math.min(leaderCommit, matched));
    send(new AppendEntriesResponse(id, leader, term, true, matched, 0, 0));
  }

  private void rejectAppend(AppendEntries ae) {
    long conflictIndex;
    long conflictTerm;
    if (ae.prevLogIndex() > log.lastIndex()) {
      conflictIndex = log.lastIndex() + 1;
      conflictTerm = 0;
    } else {
      conflictTerm = log.term(ae.prevLogIndex());
      conflictIndex = log.firstIndexOfTermAt(ae.prevLogIndex());
    }
    send(new AppendEntriesResponse(id, ae.from(), term, false, 0, conflictIndex, conflictTerm));
  }

  private void handleHeartbeat(Heartbeat hb) {
    hearFromLeader(hb.from());
    // The leader sends min(our matchIndex, its commit index), so this never commits an entry we hold
    // without having matched it.
    log.commitTo(Math.min(hb.commitIndex(), log.lastIndex()));
    if (heardTiming == null || heardTiming.tickMicros() != hb.tickMicros()
        || heardTiming.electionTimeoutTicks() != hb.electionTimeoutTicks()) {
      heardTiming = new LeaseTiming(hb.tickMicros(), hb.electionTimeoutTicks()); // rarely changes
    }
    heardTimingFrom = hb.from();
    send(new HeartbeatResponse(
        id, hb.from(), term, hb.readSeq(), log.lastIndex(), promiseCoversLease(heardTiming)));
  }

  private void hearFromLeader(String leader) {
    if (role == Role.LEADER) {
      // Election Safety (§5.2): at most one leader per term. Seeing another is a bug, not a fault.
      throw new IllegalStateException("two leaders in term " + term + ": " + id + " and " + leader);
    }
    if (role != Role.FOLLOWER || !leader.equals(leaderId)) {
      becomeFollower(term, leader); // a candidate that hears from this term's leader yields (§5.2)
    }
    electionTimer.heardFromLeader(now);
  }

  private void sendForwardedReads() {
    if (forwardedReads == null || leaderId == null) return;
    long batch = forwardedReads.requestToSend(now, config.electionTimeoutTicks());
    if (batch != 0) send(new ReadIndexRequest(id, leaderId, term, batch));
  }

  private void handleReadIndexResponse(ReadIndexResponse r) {
    if (forwardedReads == null) return;
    List<Long> batch = forwardedReads.answered(r.requestId()); // empty when late or replaced
    for (long requestId : batch) {
      if (r.success()) {
        effects.readReady(requestId, r.readIndex());
      } else {
        effects.readFailed(requestId);
      }
    }
    // The reads that arrived meanwhile go out as the next batch at ready().
  }

  private void failForwardedReads() {
    if (forwardedReads == null) return;
    forwardedReads.drainAll().forEach(effects::readFailed);
  }

  private void handleReadIndexRequest(ReadIndexRequest r) {
    if (leader == null) {
      send(new ReadIndexResponse(id, r.from(), term, r.requestId(), false, 0));
      return;
    }
    leader.read(r.requestId(), r.from());
  }

  // ---------------------------------------------------------------- snapshots (§7)

  /**
   * The runtime took and saved {@code snapshot} of the state after applying {@code
   * snapshot.lastIndex()}. The engine keeps it to send to followers that fall behind the log, and
   * compacts its log, keeping the last {@code keepTailEntries} entries the snapshot covers so
   * followers slightly behind still catch up by plain appends.
   *
   * @return the index up to which the log was compacted (the store should compact the same), or 0
   */
  public long snapshotTaken(Snapshot snapshot, long keepTailEntries) {
    // First: a snapshot installed from the leader may have overtaken this one and replaced the log
    // it was taken from; it is then simply not needed (the runtime's writer runs in the background).
    if (latestSnapshot != null && latestSnapshot.lastIndex() >= snapshot.lastIndex()) return 0;
    // The applied index, not the applying one: entries handed out but not yet advanced may not be in
    // the state machine the snapshot was taken from.
    if (snapshot.lastIndex() > log.appliedIndex() || log.term(snapshot.lastIndex()) != snapshot.lastTerm()) {
      throw new IllegalArgumentException(
          "snapshot " + snapshot + " does not match the applied log (applied " + log.appliedIndex() + ")");
    }
    latestSnapshot = snapshot;
    long compactTo = snapshot.lastIndex() - keepTailEntries;
    if (compactTo <= log.snapshotIndex()) return 0;
    log.compact(compactTo);
    return compactTo;
  }

  /** Index of the newest snapshot this node holds, or 0. */
  public long snapshotIndex() {
    return latestSnapshot == null ? 0 : latestSnapshot.lastIndex();
  }

  private void handleInstallSnapshot(InstallSnapshot m) {
    hearFromLeader(m.from());
    if (m.lastIndex() <= log.commitIndex()) {
      // We already hold (committed) everything it covers.
      receiver = null;
      send(new InstallSnapshotResponse(id, m.from(), term, m.lastIndex(), m.totalBytes(), true));
      return;
    }
    if (m.totalBytes() > SnapshotReceiver.MAX_SNAPSHOT_BYTES) return; // cannot hold it; never ack
    if (receiver == null || !receiver.isFor(m)) {
      receiver = m.offset() == 0 ? new SnapshotReceiver(m) : null;
      if (receiver == null) {
        send(new InstallSnapshotResponse(id, m.from(), term, m.lastIndex(), 0, false));
        return;
      }
    }
    receiver.accept(m);
    if (!receiver.complete()) {
      send(new InstallSnapshotResponse(id, m.from(), term, m.lastIndex(), receiver.received(), false));
      return;
    }
    byte[] data = receiver.verifiedData();
    receiver = null;
    if (data == null) {
      // Corrupted in transit: start the transfer over rather than install bytes we cannot trust.
      send(new InstallSnapshotResponse(id, m.from(), term, m.lastIndex(), 0, false));
      return;
    }
    Snapshot snapshot = new Snapshot(m.lastIndex(), m.lastTerm(), data);
    log.installSnapshot(m.lastIndex(), m.lastTerm());
    latestSnapshot = snapshot;
    snapshotToInstall = snapshot;
    send(new InstallSnapshotResponse(id, m.from(), term, m.lastIndex(), m.totalBytes(), true));
  }

  private void send(Message m) {
    effects.send(m);
  }

  // ---------------------------------------------------------------- status

  public String id() {
    return id;
  }

  /** Ticks this engine has been given since it was created: its own clock. */
  public long ticks() {
    return now;
  }

  /** Ticks without word from a leader after which this node starts an election (tests). */
  int currentElectionTimeout() {
    return electionTimer.timeout();
  }

  public Role role() {
    return role;
  }

  public long term() {
    return term;
  }

  /** The leader of the current term as far as this node knows, or null. */
  public String leaderId() {
    return leaderId;
  }

  public String votedFor() {
    return votedFor;
  }

  public long commitIndex() {
    return log.commitIndex();
  }

  /** Index of the last committed entry the runtime has applied (its Ready was advanced). */
  public long appliedIndex() {
    return log.appliedIndex();
  }

  /** Index of the last committed entry handed out for applying, applied or not yet. */
  public long applyingIndex() {
    return log.applyingIndex();
  }

  public long lastIndex() {
    return log.lastIndex();
  }

  public long lastTerm() {
    return log.lastTerm();
  }

  public long firstIndex() {
    return log.firstIndex();
  }

  /** Term of the entry at {@code index}, 0 for index 0, -1 when not held. */
  public long termAt(long index) {
    return log.term(index);
  }

  /** The entry at {@code index}; for invariant checks and tests. */
  public LogEntry entryAt(long index) {
    return log.entry(index);
  }

  public List<String> voters() {
    return voters;
  }

  /**
   * Whether this node leads and would answer a lease read now at once, with no round trip: while it
   * does, no other node can become leader (the lease's promise, which the simulation checks).
   */
  public boolean servesLeaseReads() {
    return leader != null && leader.servesLeaseReads();
  }

  /**
   * Follower only: the tick and election timeout the current leader announced in its last
   * heartbeat, or null (not a follower, no leader known, or no heartbeat from it yet). Compare with
   * {@code config().leaseTiming()} to report a mismatch.
   */
  public LeaseTiming leaderTiming() {
    boolean fromLeader = role == Role.FOLLOWER && leaderId != null && leaderId.equals(heardTimingFrom);
    return fromLeader ? heardTiming : null;
  }

  /**
   * Whether this node's acknowledgement may back the lease of a leader with {@code leaderTiming}
   * (its answer in {@link HeartbeatResponse#promiseCoversLease()}): it refuses votes while it hears
   * from a leader only with check-quorum on, and then for {@code electionTimeout − 1} of its ticks
   * at least, which must be no shorter than the leader assumes ({@link LeaseTiming#covers}).
   * Otherwise the leader must not count it toward its lease.
   */
  public boolean promiseCoversLease(LeaseTiming leaderTiming) {
    return config.checkQuorum() && config.leaseTiming().covers(leaderTiming);
  }

  /**
   * Leader only: followers whose last heartbeat answer said their vote-refusal promise is shorter
   * than this leader's lease assumes (their acknowledgements do not extend the lease, so lease reads
   * fall back to ReadIndex unless a majority without them backs it); else empty.
   */
  public Set<String> followersShortOfLease() {
    return leader == null ? Set.of() : leader.followersShortOfLease();
  }

  /** Leader only: the replication state of each follower (match index), else empty. */
  public Map<String, Long> matchIndexes() {
    return leader == null ? Map.of() : leader.matchIndexes();
  }

  public RaftConfig config() {
    return config;
  }
}
