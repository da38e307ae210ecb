package io.bellwether.core.message;

/**
 * RequestVote RPC (Raft §5.2), also used for the pre-vote round (thesis §9.6) when {@code preVote} is
 * true. A pre-vote asks "would you vote for me in {@code term}?" without anyone changing its term, so a
 * node that was partitioned away cannot disrupt a healthy cluster when it comes back.
 *
 * @param lastLogIndex index of the candidate's last log entry (§5.4.1)
 * @param lastLogTerm term of the candidate's last log entry (§5.4.1)
 * @param preVote true for a pre-vote round
 */
public record RequestVote(
    String from, String to, long term, long lastLogIndex, long lastLogTerm, boolean preVote)
    implements Message {}
