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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.random.RandomGenerator;

/**
 * The Raft consensus engine for one node: pure, single-threaded, deterministic.
 *
 * <p>It owns no thread, reads no clock and does no I/O. Time arrives as {@link #tick()}, messages as
 * {@link #step(Message)}, client work as {@link #propose(byte[])} and {@link #readIndex(long)}. What
 * the node must then do (persist, send, apply, answer reads) is collected and handed over by {@link
 * #ready()}. Given the same inputs and the same random generator, it produces the same outputs, which
 * is what makes whole-cluster simulation from a seed possible.
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

  /** Ticks since the last election timer reset (for a leader: since the last check-quorum round). */
  private int electionElapsed;

  private int heartbeatElapsed;
  private int randomizedElectionTimeout;

  /** Votes received in the current (pre-)election: voter id to granted. */
  private final Map<String, Boolean> votes = new HashMap<>();

  /** Leader only: one per peer. */
  private final Map<String, Progress> progress = new TreeMap<>();

  private final ReadIndexQueue reads = new ReadIndexQueue();
  private final LeaderLease lease = new LeaderLease();

  /** Ticks since this engine was created: the clock of leases and of the start-up quiet period. */
  private long now;

  /**
   * A node restarted with history grants no vote before this tick: it cannot know whether it
   * acknowledged a leader just before it stopped (see {@link #inLeaderLease()}). A brand-new node
   * has acknowledged nobody and needs no quiet period.
   */
  private final long quietUntilTick;

  /** Follower only: reads forwarded to the leader and not yet answered. */
  private final Set<Long> forwardedReads = new LinkedHashSet<>();

  /** The newest snapshot this node holds (taken or installed), sent to followers that need it. */
  private Snapshot latestSnapshot;

  /** Follower only: a snapshot being received from the leader. */
  private SnapshotReceiver receiver;

  // Effects accumulated until the next ready().
  /** A snapshot received in full and verified, to persist and restore. */
  private Snapshot snapshotToInstall;

  private final List<Message> outbox = new ArrayList<>();
  private final List<ReadState> readStates = new ArrayList<>();
  private final List<Long> failedReads = new ArrayList<>();

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
    this.quietUntilTick = hasHistory ? config.electionTimeoutTicks() : 0;
    resetElectionTimer();
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
    electionElapsed++;
    if (electionElapsed >= randomizedElectionTimeout) {
      // §5.2: no word from a leader for an election timeout, so start an election.
      if (config.preVote()) {
        becomePreCandidate();
      } else {
        becomeCandidate();
      }
    }
  }

  private void tickLeader() {
    heartbeatElapsed++;
    electionElapsed++;
    if (electionElapsed >= config.electionTimeoutTicks()) {
      electionElapsed = 0;
      if (config.checkQuorum() && !quorumRecentlyActive()) {
        // Thesis §6.2: a leader cut off from a majority steps down, so clients go elsewhere.
        becomeFollower(term, null);
        return;
      }
      progress.values().forEach(p -> p.recentActive = false);
    }
    if (heartbeatElapsed >= config.heartbeatIntervalTicks()) {
      heartbeatElapsed = 0;
      broadcastHeartbeat();
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
    else if (m instanceof AppendEntriesResponse r) handleAppendResponse(r);
    else if (m instanceof HeartbeatResponse r) handleHeartbeatResponse(r);
    else if (m instanceof ReadIndexRequest r) handleReadIndexRequest(r);
    else if (m instanceof ReadIndexResponse r) handleReadIndexResponse(r);
    else if (m instanceof InstallSnapshot is) handleInstallSnapshot(is);
    else if (m instanceof InstallSnapshotResponse r) handleSnapshotResponse(r);
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
      send(new HeartbeatResponse(id, hb.from(), term, 0, log.lastIndex()));
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
    log.append(entry);
    if (peers.isEmpty()) maybeCommit();
    for (String peer : peers) sendAppendIfReady(peer);
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
    if (role != Role.LEADER && config.has(InjectedBug.FOLLOWER_READ_WITHOUT_READ_INDEX)) {
      readStates.add(new ReadState(requestId, 0));
      return;
    }
    if (role == Role.LEADER) {
      leaderRead(requestId, null);
    } else if (leaderId != null) {
      forwardedReads.add(requestId);
      send(new ReadIndexRequest(id, leaderId, term, requestId));
    } else {
      failedReads.add(requestId);
    }
  }

  /**
   * Asks for a read under the leader's lease (thesis §6.4.1): on a leader whose lease holds, the read
   * is safe at once at the current commit index, with no round trip. Anywhere else, or when the lease
   * cannot be confirmed, it falls back to {@link #readIndex}, which is never weaker.
   */
  public void leaseRead(long requestId) {
    boolean leaseHolds = peers.isEmpty() || lease.isValid(now);
    if (role == Role.LEADER && config.checkQuorum() && committedInCurrentTerm() && leaseHolds) {
      readStates.add(new ReadState(requestId, log.commitIndex()));
    } else {
      readIndex(requestId);
    }
  }

  /** Lease length: shorter than the minimum election timeout by a margin for clock drift (20%). */
  private long leaseTicks() {
    int timeout = config.electionTimeoutTicks();
    return timeout - Math.max(1, timeout / 5);
  }

  private void leaderRead(long requestId, String origin) {
    if (!committedInCurrentTerm()) {
      // Until the leader commits its no-op, its commit index may lag the true one (thesis §6.4).
      reads.park(requestId, origin);
      return;
    }
    reads.register(log.commitIndex(), requestId, origin);
    if (peers.isEmpty() || config.has(InjectedBug.READ_WITHOUT_QUORUM)) confirmReads();
  }

  // ---------------------------------------------------------------- output

  /** Whether {@link #ready()} has anything to hand out. */
  public boolean hasReady() {
    return !outbox.isEmpty()
        || snapshotToInstall != null
        || (role == Role.LEADER && reads.roundNeeded())
        || !readStates.isEmpty()
        || !failedReads.isEmpty()
        || !currentHardState().equals(lastHandedOut)
        || log.commitIndex() > log.appliedIndex()
        || hasUnstable();
  }

  private boolean hasUnstable() {
    return log.hasUnstable();
  }

  /**
   * Hands over the effects accumulated since the last call, and forgets them: the caller must carry
   * them out, in {@link Ready}'s order, before feeding the engine again.
   */
  public Ready ready() {
    if (role == Role.LEADER && reads.roundNeeded()) broadcastHeartbeat();
    HardState hs = currentHardState();
    HardState changed = hs.equals(lastHandedOut) ? null : hs;
    lastHandedOut = hs;
    Ready r =
        new Ready(
            changed,
            log.takeUnstable(),
            List.copyOf(outbox),
            log.takeCommitted(config.maxApplyBytes()),
            List.copyOf(readStates),
            List.copyOf(failedReads),
            snapshotToInstall);
    snapshotToInstall = null;
    outbox.clear();
    readStates.clear();
    failedReads.clear();
    return r;
  }

  private HardState currentHardState() {
    return new HardState(term, votedFor, log.commitIndex());
  }

  // ---------------------------------------------------------------- role changes

  private void becomeFollower(long newTerm, String leader) {
    boolean wasLeader = role == Role.LEADER;
    if (newTerm > term) {
      term = newTerm;
      votedFor = null;
    }
    role = Role.FOLLOWER;
    if (!Objects.equals(leaderId, leader)) failForwardedReads();
    leaderId = leader;
    resetElectionTimer();
    if (wasLeader) {
      progress.clear();
      lease.reset();
      failLeaderReads();
    }
  }

  private void becomePreCandidate() {
    // Thesis §9.6: ask first whether we could win, without raising our term, so that a node that
    // cannot win (a stale log, or cut off from the majority) never disrupts the cluster.
    role = Role.PRE_CANDIDATE;
    failForwardedReads();
    leaderId = null;
    resetElectionTimer();
    votes.clear();
    votes.put(id, true);
    if (wonVote()) {
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
    resetElectionTimer();
    votes.clear();
    votes.put(id, true);
    if (wonVote()) {
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
    electionElapsed = 0;
    heartbeatElapsed = 0;
    progress.clear();
    lease.reset();
    for (String peer : peers) {
      progress.put(peer, new Progress(log.lastIndex() + 1, config.maxInflightAppends()));
    }
    // §5.4.2 and thesis §6.4: a no-op of our own term lets earlier entries commit, and tells us
    // our commit index is current, which ReadIndex needs.
    log.append(LogEntry.noop(term, log.lastIndex() + 1));
    if (peers.isEmpty()) maybeCommit();
    for (String peer : peers) sendAppendIfReady(peer);
  }

  private void resetElectionTimer() {
    electionElapsed = 0;
    int base = config.electionTimeoutTicks();
    randomizedElectionTimeout = base + random.nextInt(base);
  }

  /**
   * We heard from a leader less than a (minimum) election timeout ago, or we started less than that
   * long ago: a restarted node cannot know whether it acknowledged a leader just before it stopped,
   * and granting a vote at once could let a new leader overlap an old leader's lease.
   */
  private boolean inLeaderLease() {
    return (leaderId != null && electionElapsed < config.electionTimeoutTicks()) || now < quietUntilTick;
  }

  // ---------------------------------------------------------------- elections

  private void handleRequestVote(RequestVote rv) {
    boolean grant = canVoteFor(rv) && log.isUpToDate(rv.lastLogIndex(), rv.lastLogTerm());
    if (grant && !rv.preVote()) {
      votedFor = rv.from();
      resetElectionTimer(); // Figure 2: granting a vote resets the election timer
    }
    long answerTerm = rv.preVote() && grant ? rv.term() : term;
    send(new RequestVoteResponse(id, rv.from(), answerTerm, grant, rv.preVote()));
  }

  private boolean canVoteFor(RequestVote rv) {
    if (rv.preVote()) {
      // A pre-vote is for a future term; grant it unless we know a live leader.
      return rv.term() > term && !(config.checkQuorum() && inLeaderLease());
    }
    if (config.has(InjectedBug.DOUBLE_VOTE)) return true;
    // §5.2: at most one vote per term, first come first served.
    return rv.from().equals(votedFor) || (votedFor == null && leaderId == null);
  }

  private void handleVoteResponse(RequestVoteResponse r) {
    boolean counts =
        (role == Role.PRE_CANDIDATE && r.preVote() && (r.term() == term + 1 || !r.voteGranted()))
            || (role == Role.CANDIDATE && !r.preVote() && r.term() == term);
    if (!counts || !voters.contains(r.from())) return;
    votes.putIfAbsent(r.from(), r.voteGranted());
    if (wonVote()) {
      if (role == Role.PRE_CANDIDATE) becomeCandidate();
      else becomeLeader();
    } else if (lostVote()) {
      becomeFollower(term, null);
    }
  }

  private boolean wonVote() {
    return votes.values().stream().filter(v -> v).count() >= Quorum.majority(voters.size());
  }

  private boolean lostVote() {
    return votes.values().stream().filter(v -> !v).count() >= Quorum.majority(voters.size());
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
    send(new HeartbeatResponse(id, hb.from(), term, hb.readSeq(), log.lastIndex()));
  }

  private void hearFromLeader(String leader) {
    if (role == Role.LEADER) {
      // Election Safety (§5.2): at most one leader per term. Seeing another is a bug, not a fault.
      throw new IllegalStateException("two leaders in term " + term + ": " + id + " and " + leader);
    }
    if (role != Role.FOLLOWER || !leader.equals(leaderId)) {
      becomeFollower(term, leader); // a candidate that hears from this term's leader yields (§5.2)
    }
    electionElapsed = 0;
  }

  private void handleReadIndexResponse(ReadIndexResponse r) {
    if (!forwardedReads.remove(r.requestId())) return; // late, or already failed
    if (r.success()) {
      readStates.add(new ReadState(r.requestId(), r.readIndex()));
    } else {
      failedReads.add(r.requestId());
    }
  }

  private void failForwardedReads() {
    failedReads.addAll(forwardedReads);
    forwardedReads.clear();
  }

  // ---------------------------------------------------------------- replication, leader side

  private void handleAppendResponse(AppendEntriesResponse r) {
    Progress pr = role == Role.LEADER ? progress.get(r.from()) : null;
    if (pr == null) return;
    pr.recentActive = true;
    if (pr.state == Progress.State.SNAPSHOT) return; // answers to appends sent before the snapshot
    if (r.success()) {
      if (pr.acknowledge(r.matchIndex())) {
        if (maybeCommit()) {
          // Tell idle followers the new commit index now rather than at the next heartbeat.
          for (String peer : peers) {
            Progress p = progress.get(peer);
            if (!p.hasInflight() && p.matchIndex == log.lastIndex()) sendAppend(peer, true);
          }
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

  private void handleHeartbeatResponse(HeartbeatResponse r) {
    Progress pr = role == Role.LEADER ? progress.get(r.from()) : null;
    if (pr == null) return;
    pr.recentActive = true;
    if (r.readSeq() > pr.ackedReadSeq) {
      pr.ackedReadSeq = r.readSeq();
      long quorumSeq = quorumAcknowledgedSeq();
      lease.quorumAcknowledged(quorumSeq, leaseTicks());
      confirmReads();
    }
    if (pr.state == Progress.State.SNAPSHOT) {
      if (!pr.ackedSinceHeartbeat) {
        pr.snapshotChunkInFlight = false; // the chunk or its answer was lost: send it again
        sendSnapshotChunk(r.from(), pr);
      }
      pr.ackedSinceHeartbeat = false;
      return;
    }
    if (pr.matchIndex < log.lastIndex()) {
      boolean stalled = pr.state == Progress.State.REPLICATE && pr.hasInflight() && !pr.ackedSinceHeartbeat;
      if (pr.state == Progress.State.PROBE || stalled) {
        // A lost message or answer left the follower behind; probe again from what it holds.
        pr.becomeProbe(Math.min(pr.nextIndex, r.lastIndex() + 1));
      }
      sendAppendIfReady(r.from());
    }
    pr.ackedSinceHeartbeat = false;
  }

  private void handleReadIndexRequest(ReadIndexRequest r) {
    if (role != Role.LEADER) {
      send(new ReadIndexResponse(id, r.from(), term, r.requestId(), false, 0));
      return;
    }
    leaderRead(r.requestId(), r.from());
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
      if (latestSnapshot == null) {
        throw new IllegalStateException("log compacted before index " + pr.nextIndex + " without a snapshot");
      }
      pr.becomeSnapshot(latestSnapshot);
      sendSnapshotChunk(peer, pr);
      return;
    }
    List<LogEntry> entries =
        pr.nextIndex <= log.lastIndex()
            ? log.slice(pr.nextIndex, log.lastIndex() + 1, config.maxAppendBytes())
            : List.of();
    if (entries.isEmpty() && !allowEmpty) return;
    send(new AppendEntries(id, peer, term, prevIndex, prevTerm, entries, log.commitIndex()));
    pr.sent(prevIndex + entries.size());
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
    if (snapshot.lastIndex() > log.appliedIndex() || log.term(snapshot.lastIndex()) != snapshot.lastTerm()) {
      throw new IllegalArgumentException(
          "snapshot " + snapshot + " does not match the applied log (applied " + log.appliedIndex() + ")");
    }
    if (latestSnapshot != null && latestSnapshot.lastIndex() >= snapshot.lastIndex()) return 0;
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

  private void sendSnapshotChunk(String peer, Progress pr) {
    if (pr.snapshotChunkInFlight) return; // one chunk at a time: flow control
    Snapshot snap = pr.snapshot;
    byte[] data = snap.data();
    int from = (int) pr.snapshotOffset;
    int length = (int) Math.min(data.length - from, config.maxAppendBytes());
    byte[] chunk = java.util.Arrays.copyOfRange(data, from, from + length);
    send(new InstallSnapshot(id, peer, term, snap.lastIndex(), snap.lastTerm(), data.length,
        checksumOf(snap), from, chunk));
    pr.snapshotChunkInFlight = true;
  }

  private int cachedChecksum;
  private Snapshot cachedChecksumFor;

  private int checksumOf(Snapshot snap) {
    if (cachedChecksumFor != snap) {
      cachedChecksum = SnapshotReceiver.checksumOf(snap.data());
      cachedChecksumFor = snap;
    }
    return cachedChecksum;
  }

  private void handleSnapshotResponse(InstallSnapshotResponse r) {
    Progress pr = role == Role.LEADER ? progress.get(r.from()) : null;
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

  private void broadcastHeartbeat() {
    long seq = reads.nextRound();
    lease.roundSent(seq, now);
    for (String peer : peers) {
      Progress pr = progress.get(peer);
      send(new Heartbeat(id, peer, term, Math.min(pr.matchIndex, log.commitIndex()), seq));
    }
  }

  /** Advances the commit index to what a majority holds, if that entry is of our term (§5.4.2). */
  private boolean maybeCommit() {
    long[] matches = new long[voters.size()];
    int i = 0;
    matches[i++] = log.lastIndex(); // the leader's own log (persisted before anything it commits is applied)
    for (String peer : peers) matches[i++] = progress.get(peer).matchIndex;
    int needed = Quorum.majority(voters.size());
    if (config.has(InjectedBug.COMMIT_ON_MINORITY)) needed = Math.max(1, needed - 1);
    long candidate = Quorum.indexReachedBy(matches, needed);
    if (candidate <= log.commitIndex()) return false;
    if (log.term(candidate) != term && !config.has(InjectedBug.SKIP_CURRENT_TERM_COMMIT_RULE)) {
      return false; // §5.4.2: never commit an earlier term's entry by counting replicas
    }
    log.commitTo(candidate);
    if (committedInCurrentTerm()) {
      for (ReadIndexQueue.ParkedRead p : reads.takeParked()) leaderRead(p.requestId(), p.origin());
    }
    return true;
  }

  private boolean committedInCurrentTerm() {
    return log.term(log.commitIndex()) == term;
  }

  private boolean quorumRecentlyActive() {
    long active = 1 + progress.values().stream().filter(p -> p.recentActive).count();
    return active >= Quorum.majority(voters.size());
  }

  /** The newest heartbeat round a majority (this leader included) has acknowledged. */
  private long quorumAcknowledgedSeq() {
    long[] acked = new long[voters.size()];
    int i = 0;
    acked[i++] = reads.sentSeq();
    for (String peer : peers) acked[i++] = progress.get(peer).ackedReadSeq;
    return Quorum.indexReachedBy(acked, Quorum.majority(voters.size()));
  }

  private void confirmReads() {
    long confirmedSeq = peers.isEmpty() ? Long.MAX_VALUE : quorumAcknowledgedSeq();
    ReadIndexQueue.PendingRead p;
    while ((p = reads.peek()) != null) {
      if (p.seq() > confirmedSeq && !config.has(InjectedBug.READ_WITHOUT_QUORUM)) break;
      reads.poll();
      if (p.origin() == null) {
        readStates.add(new ReadState(p.requestId(), p.readIndex()));
      } else {
        send(new ReadIndexResponse(id, p.origin(), term, p.requestId(), true, p.readIndex()));
      }
    }
  }

  private void failLeaderReads() {
    for (ReadIndexQueue.PendingRead p : reads.drainAll()) {
      if (p.origin() == null) {
        failedReads.add(p.requestId());
      } else {
        send(new ReadIndexResponse(id, p.origin(), term, p.requestId(), false, 0));
      }
    }
  }

  private void send(Message m) {
    outbox.add(m);
  }

  // ---------------------------------------------------------------- status

  public String id() {
    return id;
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

  /** Index of the last committed entry handed out for applying. */
  public long appliedIndex() {
    return log.appliedIndex();
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

  /** Leader only: the replication state of each follower (match index), else empty. */
  public Map<String, Long> matchIndexes() {
    Map<String, Long> out = new TreeMap<>();
    progress.forEach((peer, p) -> out.put(peer, p.matchIndex));
    return out;
  }

  public RaftConfig config() {
    return config;
  }
}
