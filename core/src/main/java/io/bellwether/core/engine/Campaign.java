package io.bellwether.core.engine;

import io.bellwether.core.message.RequestVote;
import io.bellwether.core.message.RequestVoteResponse;
import java.util.List;

/**
 * One election this node runs as (pre-)candidate (§5.2; the pre-vote round of thesis §9.6): it
 * votes for itself, asks every other voter, asks again each tick those that have not answered, and
 * counts the answers that belong to it.
 *
 * <p>Like {@link Leader}, one instance lives exactly as long as one campaign: {@link RaftEngine}
 * creates it on becoming (pre-)candidate and drops it on any role change, so an answer to an older
 * campaign can never count toward a newer one. Its own class because which answers count (a pre-vote
 * grant echoes the proposed term; a refusal carries the voter's) is the part most easily got wrong.
 */
final class Campaign {

  /** Where the campaign stands after an answer. */
  enum Outcome {
    UNDECIDED,
    /** A majority granted: move on (pre-candidate to candidate, candidate to leader). */
    WON,
    /** A majority refused: it cannot win; back to follower. */
    LOST
  }

  private final String id;
  private final List<String> voters;
  private final boolean preVote;
  private final boolean transfer;
  private final long electionTerm;
  private final Effects effects;
  private final VoteTally votes;

  /**
   * @param preVote whether this is the pre-vote round, which asks for {@code electionTerm} without
   *     moving to it
   * @param electionTerm the term the votes are for: the current term of a candidate, the next one of
   *     a pre-candidate
   * @param transfer whether the leader asked for this election ({@code TimeoutNow}); never with
   *     {@code preVote}
   */
  Campaign(String id, List<String> voters, boolean preVote, boolean transfer, long electionTerm,
      Effects effects) {
    this.id = id;
    this.voters = voters;
    this.preVote = preVote;
    this.transfer = transfer;
    this.electionTerm = electionTerm;
    this.effects = effects;
    this.votes = new VoteTally(voters.size());
  }

  /** An ordinary campaign (not a leadership transfer). */
  Campaign(String id, List<String> voters, boolean preVote, long electionTerm, Effects effects) {
    this(id, voters, preVote, false, electionTerm, effects);
  }

  boolean isPreVote() {
    return preVote;
  }

  /**
   * Votes for itself and asks every other voter, unless its own vote already wins (a one-node
   * cluster).
   */
  Outcome start(long lastLogIndex, long lastLogTerm) {
    votes.record(id, true);
    if (votes.won()) return Outcome.WON;
    for (String peer : voters) {
      if (!peer.equals(id)) send(peer, lastLogIndex, lastLogTerm);
    }
    return Outcome.UNDECIDED;
  }

  /**
   * A voter still hearing from the old leader ignores a (pre-)vote request without answering
   * (§4.2.3), and its refusal window can end a tick after ours, since every node counts ticks from
   * its own phase. Asking the voters that have not answered once per tick lets the election finish as
   * soon as they may vote, instead of a whole randomized timeout later. Repeats are harmless: a pre-
   * vote changes nothing, and a voter grants the same candidate again in the same term.
   */
  void askAgain(long lastLogIndex, long lastLogTerm) {
    for (String peer : voters) {
      if (!peer.equals(id) && !votes.hasAnswered(peer)) send(peer, lastLogIndex, lastLogTerm);
    }
  }

  /**
   * Counts {@code r} if it answers this campaign: a granted pre-vote echoes the proposed term, a
   * refused one carries the voter's term, a vote carries ours. Each voter counts once.
   */
  Outcome onResponse(RequestVoteResponse r) {
    boolean counts = preVote
        ? r.preVote() && (r.term() == electionTerm || !r.voteGranted())
        : !r.preVote() && r.term() == electionTerm;
    if (!counts || !voters.contains(r.from())) return Outcome.UNDECIDED;
    votes.record(r.from(), r.voteGranted());
    if (votes.won()) return Outcome.WON;
    return votes.lost() ? Outcome.LOST : Outcome.UNDECIDED;
  }

  private void send(String peer, long lastLogIndex, long lastLogTerm) {
    effects.send(
        new RequestVote(id, peer, electionTerm, lastLogIndex, lastLogTerm, preVote, transfer));
  }
}
