package io.bellwether.core.message;

/**
 * RequestVote RPC (Raft §5.2), also used for the pre-vote round (thesis §9.6) when {@code preVote} is
 * true. A pre-vote asks "would you vote for me in {@code term}?" without anyone changing its term, so a
 * node that was partitioned away cannot disrupt a healthy cluster when it comes back.
 *
 * @param lastLogIndex index of the candidate's last log entry (§5.4.1)
 * @param lastLogTerm term of the candidate's last log entry (§5.4.1)
 * @param preVote true for a pre-vote round
 * @param transfer true for the election a {@link TimeoutNow} started: the leader itself asked for it
 *     (and gave up its lease first), so voters grant it inside their promise not to vote
 */
public record RequestVote(
    String from, String to, long term, long lastLogIndex, long lastLogTerm, boolean preVote,
    boolean transfer)
    implements Message {

  public RequestVote {
    if (preVote && transfer) throw new IllegalArgumentException("a transfer election has no pre-vote");
  }

  /** A request of an ordinary election or pre-vote round (not a leadership transfer). */
  public RequestVote(
      String from, String to, long term, long lastLogIndex, long lastLogTerm, boolean preVote) {
    this(from, to, term, lastLogIndex, lastLogTerm, preVote, false);
  }
}
