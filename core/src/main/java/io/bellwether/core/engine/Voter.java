package io.bellwether.core.engine;

import io.bellwether.core.message.RequestVote;
import java.util.function.Predicate;

/**
 * The rules by which this node answers a (pre-)vote request: at most one vote per term (§5.2), only
 * for a log at least as up to date as ours (§5.4.1), a pre-vote only for a term we could move to
 * (thesis §9.6), and none at all while the promise not to vote holds (thesis §4.2.3), which leader
 * leases rest on.
 *
 * <p>It decides and changes nothing: {@link RaftEngine} records the vote and answers. Its own class
 * because these rules are read together, and the promise is easy to weaken by accident; see
 * {@link #refusesVotes}.
 */
final class Voter {

  /** What to do with a vote request. */
  enum Answer {
    /** Grant it. */
    GRANT,
    /** Refuse it: the candidate counts the refusal and stops asking. */
    REFUSE,
    /**
     * Say nothing: inside the promise. Not a refusal, so that the candidate asks again next tick and
     * may win once the promise has run out, instead of a whole election timeout later.
     */
    IGNORE
  }

  private final RaftConfig config;
  private final ElectionTimer timer;
  private final RaftLog log;
  private final Predicate<InjectedBug> planted;

  Voter(RaftConfig config, ElectionTimer timer, RaftLog log, Predicate<InjectedBug> planted) {
    this.config = config;
    this.timer = timer;
    this.log = log;
    this.planted = planted;
  }

  /**
   * Whether this node must refuse (pre-)votes at tick {@code now}: with check-quorum on, while it
   * leads, for a (minimum) election timeout after it last heard from a leader, whatever its term and
   * leader field say now, and for that long after a restart with history (it cannot know whether it
   * acknowledged a leader just before it stopped; granting a vote at once could let a new leader
   * overlap an old leader's lease).
   */
  boolean refusesVotes(long now, Role role, String leaderId) {
    return config.checkQuorum() && inLeaderLease(now, role, leaderId);
  }

  private boolean inLeaderLease(long now, Role role, String leaderId) {
    if (timer.inStartupQuiet(now) || role == Role.LEADER) return true;
    if (planted.test(InjectedBug.VOTE_PROMISE_NEEDS_LEADER_FIELD)) {
      return leaderId != null && timer.elapsed() < config.electionTimeoutTicks();
    }
    // The promise is kept by time alone. Any other test can end it early: a term adopted from a
    // rejected pre-vote, say, arrives with no leader, yet the old leader may still be counting on
    // our last acknowledgement for its lease.
    return timer.heardLeaderWithinTimeout(now);
  }

  /**
   * How to answer {@code rv}, which carries our term or (for a pre-vote) any term: the engine has
   * already adopted a higher term of a real vote request.
   *
   * @param votedFor whom we voted for in our current term, or null
   * @param leaderId the leader of our current term as far as we know, or null
   */
  Answer answer(RequestVote rv, long now, long term, String votedFor, String leaderId, Role role) {
    if (!rv.preVote() && !rv.transfer() && refusesVotes(now, role, leaderId)
        && !planted.test(InjectedBug.DOUBLE_VOTE)) {
      // A request of our own term must wait out the promise too: our term may have moved on
      // without a leader (a rejected pre-vote carrying the candidate's term), while the old
      // leader's lease, which our last acknowledgement extended, still runs. Ignored, not refused,
      // as for a higher term: a candidate counts a refusal against itself and stops asking, while
      // an unanswered voter is asked again next tick, and may grant once the promise has run out.
      return Answer.IGNORE;
    }
    // A transfer election (rv.transfer()) passes the promise: the leader the promise protects asked
    // for it, and gave up its lease for the rest of its term before it did (Leader.transferTo).
    boolean grant = canVoteFor(rv, now, term, votedFor, leaderId, role)
        && log.isUpToDate(rv.lastLogIndex(), rv.lastLogTerm());
    return grant ? Answer.GRANT : Answer.REFUSE;
  }

  private boolean canVoteFor(
      RequestVote rv, long now, long term, String votedFor, String leaderId, Role role) {
    if (rv.preVote()) {
      // A pre-vote is for a future term; grant it unless we know a live leader.
      return rv.term() > term && !refusesVotes(now, role, leaderId);
    }
    if (planted.test(InjectedBug.DOUBLE_VOTE)) return true;
    // §5.2: at most one vote per term, first come first served.
    return rv.from().equals(votedFor) || (votedFor == null && leaderId == null);
  }
}
