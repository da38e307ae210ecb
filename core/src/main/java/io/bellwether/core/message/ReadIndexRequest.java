package io.bellwether.core.message;

/**
 * A follower asks the leader for a read index (thesis §6.4) on behalf of its own clients. The
 * {@code requestId} is chosen by the follower and echoed back.
 */
public record ReadIndexRequest(String from, String to, long term, long requestId)
    implements Message {}
