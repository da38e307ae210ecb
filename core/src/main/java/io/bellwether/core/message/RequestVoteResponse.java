package io.bellwether.core.message;

/**
 * Answer to {@link RequestVote}. For a granted pre-vote, {@code term} echoes the requested term; a
 * rejection carries the voter's own term so a stale candidate learns it is behind.
 */
public record RequestVoteResponse(
    String from, String to, long term, boolean voteGranted, boolean preVote) implements Message {}
