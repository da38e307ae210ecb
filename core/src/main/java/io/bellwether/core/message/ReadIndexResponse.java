package io.bellwether.core.message;

/**
 * The leader's answer to {@link ReadIndexRequest}. When {@code success}, {@code readIndex} is a
 * commit index the leader confirmed while it was certainly leader; the follower may answer the read
 * once it has applied at least that index. When not {@code success}, the follower must fail the read
 * (never serve it from local state).
 */
public record ReadIndexResponse(
    String from, String to, long term, long requestId, boolean success, long readIndex)
    implements Message {}
