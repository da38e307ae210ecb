package io.bellwether.core.engine;

import io.bellwether.core.HardState;
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
import io.bellwether.core.message.TimeoutNow;
import io.bellwether.core.spi.Snapshot;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * This node's place in the protocol: its term and vote (Figure 2's persistent state), its role in
 * that term (follower, pre-candidate, candidate, leader) and whom it follows, the rules every server
 * applies to a message's term before anything else (§5.1), and the role changes (§5.2, thesis §9.6).
 * Each role's own work is delegated: {@link ElectionTimer} and {@link Campaign} for elections,
 * {@link Voter} for answering them, {@link Follower} for the leader's messages, {@link Leader} for
 * one term of leadership.
 *
 * <p>Separate from {@link RaftEngine}, as etcd's {@code raft} is from its {@code RawNode}: the
 * engine is what a runtime sees (inputs, one Ready at a time, status); this is the state machine
 * those inputs drive.
 */
final class Roles {

  private final String id;
  private final RaftConfig config;
  private final RaftLog log;
  private final Effects effects;

  /** Where a snapshot installed from the leader goes, to be handed out with the next Ready. */
  private final Consumer<Snapshot> snapshotInstalled;

  /** Where snapshots sent are read from and those received are written to. */
  private final SnapshotPorts snapshotPorts;

  // Persistent state (Figure 2), handed out in Ready.hardState when changed.
  private long term;
  private String votedFor;

  private Role role = Role.FOLLOWER;
  private String leaderId;

  /** Ticks since this engine was created: the clock of leases and of the vote promise. */
  private long now;

  /** When to start an election, and until when to refuse votes (the promise leases rest on). */
  private final ElectionTimer electionTimer;

  private final Voter voter;
  private final Follower follower;

  /** Counts and causes of elections and step-downs, for the runtime's reports. */
  private final Elections elections = new Elections();

  /** The (pre-)election this node runs while it is a (pre-)candidate, else null. */
  private Campaign campaign;

  /** The leader's state for the current term while this node leads, else null. */
  private Leader leader;

  /** The newest snapshot this node holds (taken or installed), sent to followers that need it. */
  private Snapshot latestSnapshot;

  /** Deliberate bugs planted by the test kit (see {@link RaftEngine#plant}); empty in a real node. */
  private Set<InjectedBug> planted = Set.of();

  Roles(String id, RaftConfig config, RandomGenerator random, RaftLog log,
      Effects effects, HardState hardState, Snapshot snapshot, Consumer<Snapshot> snapshotInstalled,
      SnapshotPorts snapshotPorts) {
    this.id = id;
    this.config = config;
    this.log = log;
    this.effects = effects;
    this.snapshotInstalled = snapshotInstalled;
    this.snapshotPorts = snapshotPorts;
    this.latestSnapshot = snapshot;
    this.term = hardState.term();
    this.votedFor = hardState.votedFor();
    boolean hasHistory = hardState.term() > 0 || log.lastIndex() > 0 || snapshot != null;
    this.electionTimer = new ElectionTimer(config.electionTimeoutTicks(), random, hasHistory);
    this.voter = new Voter(config, electionTimer, log, this::has);
    this.follower = new Follower(id, config, random, log, effects, snapshotPorts.sinks());
  }

  void plant(Set<InjectedBug> bugs) {
    this.planted = Set.copyOf(bugs);
  }

  boolean has(InjectedBug bug) {
    return planted.contains(bug);
  }

  // ---------------------------------------------------------------- time

  void tick() {
    now++;
    if (role == Role.LEADER) {
      if (!leader.tick()) {
        // Thesis §6.2: a leader cut off from a majority steps down, so clients go elsewhere.
        becomeFollower(term, null, StepDownReason.CHECK_QUORUM);
      }
      return;
    }
    // Thesis §4.2.2: only a voter starts elections; a learner, a node not yet added and one removed
    // wait for a leader's messages however long they are silent.
    boolean timedOut = electionTimer.tick() && isVoter();
    if (role == Role.FOLLOWER) { // again, if the request out went unanswered
      follower.sendForwardedReads(now, leaderId, term);
    }
    if (timedOut) {
      // §5.2: no word from a leader for an election timeout, so start an election.
      elections.timedOut();
      if (config.preVote()) {
        becomePreCandidate();
      } else {
        becomeCandidate(false);
      }
    } else if (campaign != null) {
      campaign.askAgain(log.lastIndex(), log.lastTerm());
    }
  }

  /** See {@link RaftEngine#peerUnreachable}: a crash hint about this follower's leader. */
  void peerUnreachable(String peer) {
    if (leader != null) {
      leader.peerUnreachable(peer); // a transfer to it is given up
      return;
    }
    if (role != Role.FOLLOWER || leaderId == null || !leaderId.equals(peer)) return;
    elections.leaderConnectionLost();
    electionTimer.leaderUnreachable(log.membership().voters(), id, peer);
  }

  // ---------------------------------------------------------------- messages

  /** See {@link RaftEngine#step}. */
  void step(Message m) {
    if (!id.equals(m.to()) || m.from().equals(id)) return;
    if (m instanceof RequestVote && log.membership().members().isEmpty()) {
      // A node with no configuration has not been added yet, or lost its disk and came back under
      // its old id: it may have voted in this very term before. It never needs to vote (it is
      // promoted only once it holds the log, configuration included), so it ignores every request.
      return;
    }
    if (m.term() > term) {
      if (!acceptHigherTerm(m)) return;
    } else if (m.term() < term) {
      answerStale(m);
      return;
    }
    // Java 17 has no pattern switch; a chain of instanceof reads the same.
    if (m instanceof RequestVote rv) {
      answerVoteRequest(rv);
    } else if (m instanceof RequestVoteResponse r) {
      countVote(r);
    } else if (m instanceof AppendEntries ae) {
      hearFromLeader(ae.from());
      follower.onAppendEntries(ae, term);
    } else if (m instanceof Heartbeat hb) {
      hearFromLeader(hb.from());
      follower.onHeartbeat(hb, term);
    } else if (m instanceof InstallSnapshot is) {
      hearFromLeader(is.from());
      Snapshot installed = follower.onInstallSnapshot(is, term);
      if (installed != null) {
        latestSnapshot = installed;
        snapshotInstalled.accept(installed);
      }
    } else if (m instanceof ReadIndexRequest r) {
      if (leader != null) {
        leader.read(r.requestId(), r.from());
      } else {
        effects.send(new ReadIndexResponse(id, r.from(), term, r.requestId(), false, 0));
      }
    } else if (m instanceof ReadIndexResponse r) {
      follower.onReadIndexResponse(r);
    } else if (m instanceof TimeoutNow t) {
      // Thesis §3.10: this term's leader hands over; campaign at once (a voter only).
      if (role == Role.FOLLOWER && t.from().equals(leaderId) && isVoter()) {
        elections.transferred();
        becomeCandidate(true);
      }
    } else if (leader != null) {
      if (m instanceof AppendEntriesResponse r) leader.onAppendResponse(r);
      else if (m instanceof HeartbeatResponse r) leader.onHeartbeatResponse(r);
      else if (m instanceof InstallSnapshotResponse r) leader.onSnapshotResponse(r);
      stepDownIfRemoved();
    }
  }

  /** Whether this node votes in the newest configuration it holds. */
  boolean isVoter() {
    return log.membership().isVoter(id);
  }

  /**
   * Thesis §4.2.2: a leader that removed itself from the voters steps down once that configuration
   * is committed (until then it still replicates it). It will not campaign again.
   */
  void stepDownIfRemoved() {
    if (leader != null && leader.removedAndCommitted()) becomeFollower(term, null, StepDownReason.REMOVED);
  }

  /**
   * A message carries a higher term. §5.1: adopt it and become follower, with these exceptions.
   *
   * @return whether to go on handling the message
   */
  private boolean acceptHigherTerm(Message m) {
    if (m instanceof RequestVote rv) {
      if (voter.refusesVotes(now, role, leaderId) && !rv.transfer()) {
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
    boolean fromLeader = m instanceof AppendEntries || m instanceof Heartbeat
        || m instanceof InstallSnapshot || m instanceof TimeoutNow;
    becomeFollower(m.term(), fromLeader ? m.from() : null);
    return true;
  }

  private void answerStale(Message m) {
    Message rejection = StaleTerm.rejection(id, term, log.lastIndex(), m);
    if (rejection != null) effects.send(rejection);
  }

  private void answerVoteRequest(RequestVote rv) {
    Voter.Answer answer = voter.answer(rv, now, term, votedFor, leaderId, role);
    if (answer == Voter.Answer.IGNORE) return;
    boolean grant = answer == Voter.Answer.GRANT;
    if (grant && !rv.preVote()) {
      votedFor = rv.from();
      electionTimer.reset(); // Figure 2: granting a vote resets the election timer
    }
    long answerTerm = rv.preVote() && grant ? rv.term() : term;
    effects.send(new RequestVoteResponse(id, rv.from(), answerTerm, grant, rv.preVote()));
  }

  private void countVote(RequestVoteResponse r) {
    if (campaign == null) return;
    Campaign.Outcome outcome = campaign.onResponse(r);
    if (outcome == Campaign.Outcome.WON) {
      if (campaign.isPreVote()) becomeCandidate(false);
      else becomeLeader();
    } else if (outcome == Campaign.Outcome.LOST) {
      becomeFollower(term, null);
    }
  }

  /**
   * A message of this term's leader arrived: follow it, and restart the election timer and the
   * promise not to vote.
   */
  private void hearFromLeader(String from) {
    if (role == Role.LEADER) {
      // Election Safety (§5.2): at most one leader per term. Seeing another is a bug, not a fault.
      throw new IllegalStateException("two leaders in term " + term + ": " + id + " and " + from);
    }
    if (role != Role.FOLLOWER || !from.equals(leaderId)) {
      becomeFollower(term, from); // a candidate that hears from this term's leader yields (§5.2)
    }
    electionTimer.heardFromLeader(now);
    elections.heardFromLeader();
  }

  // ---------------------------------------------------------------- role changes

  private void becomeFollower(long newTerm, String newLeader) {
    // The only other way a leader becomes follower: a message of a higher term (§5.1).
    becomeFollower(newTerm, newLeader, StepDownReason.HIGHER_TERM);
  }

  /** @param reason why, if this node leads: it steps down */
  private void becomeFollower(long newTerm, String newLeader, StepDownReason reason) {
    if (leader != null) {
      leader.stepDown();
      leader = null;
      elections.steppedDown(reason);
    }
    campaign = null;
    // A snapshot half received belongs to the leader of the moment: another leader, or the same
    // one in a new term, starts its own transfer from offset 0.
    if (newTerm > term || !Objects.equals(leaderId, newLeader)) follower.abandonSnapshot();
    if (newTerm > term) {
      term = newTerm;
      votedFor = null;
    }
    role = Role.FOLLOWER;
    if (!Objects.equals(leaderId, newLeader)) follower.failForwardedReads();
    leaderId = newLeader;
    electionTimer.reset();
  }

  private void becomePreCandidate() {
    // Thesis §9.6: ask first whether we could win, without raising our term, so that a node that
    // cannot win (a stale log, or cut off from the majority) never disrupts the cluster.
    role = Role.PRE_CANDIDATE;
    follower.failForwardedReads();
    follower.abandonSnapshot();
    leaderId = null;
    electionTimer.reset();
    campaign = new Campaign(id, log.membership().voters(), true, term + 1, effects);
    if (campaign.start(log.lastIndex(), log.lastTerm()) == Campaign.Outcome.WON) becomeCandidate(false);
  }

  /**
   * @param transfer the leader asked for this election (thesis §3.10): no pre-vote, and voters may
   *     grant it inside their promise not to vote, which the leader gave up its lease to allow
   */
  private void becomeCandidate(boolean transfer) {
    // §5.2: increment the term, vote for self, request votes from everyone else.
    role = Role.CANDIDATE;
    follower.failForwardedReads();
    follower.abandonSnapshot();
    leaderId = null;
    term++;
    votedFor = id;
    elections.candidate(term);
    electionTimer.reset();
    campaign = new Campaign(id, log.membership().voters(), false, transfer, term, effects);
    if (campaign.start(log.lastIndex(), log.lastTerm()) == Campaign.Outcome.WON) becomeLeader();
  }

  private void becomeLeader() {
    role = Role.LEADER;
    leaderId = id;
    campaign = null;
    // A leader's election timer stays at zero: it counts as hearing from itself, so it ignores
    // disruptive vote requests (thesis §4.2.3); check-quorum runs in the Leader instead.
    electionTimer.holdWhileLeading();
    leader = new Leader(id, term, config, planted, log, effects, () -> latestSnapshot,
        snapshotPorts.exporter(), () -> now);
    leader.start();
  }

  // ---------------------------------------------------------------- state

  long now() {
    return now;
  }

  long term() {
    return term;
  }

  String votedFor() {
    return votedFor;
  }

  Role role() {
    return role;
  }

  /** The leader of the current term as far as this node knows, or null. */
  String leaderId() {
    return leaderId;
  }

  /** Whether this node follows a known leader (where its reads are forwarded). */
  boolean isFollowing() {
    return role == Role.FOLLOWER && leaderId != null;
  }

  /** This term's leadership while this node leads, else null. */
  Leader leader() {
    return leader;
  }

  Follower follower() {
    return follower;
  }

  ElectionTimer electionTimer() {
    return electionTimer;
  }

  Elections elections() {
    return elections;
  }

  HardState hardState() {
    return new HardState(term, votedFor, log.commitIndex());
  }

  Snapshot latestSnapshot() {
    return latestSnapshot;
  }

  /** See {@link RaftEngine#endSnapshotTransfers}. */
  void endSnapshotTransfers() {
    follower.abandonSnapshot();
    if (leader != null) leader.endSnapshotTransfers();
  }

  /** See {@link Leader#readyCarriedOut}. */
  void readyCarriedOut() {
    if (leader != null) leader.readyCarriedOut();
  }

  /** A snapshot this node took locally is now its newest, to send to followers that need it. */
  void snapshotTaken(Snapshot snapshot) {
    latestSnapshot = snapshot;
  }
}
