package io.bellwether.core.message;

/**
 * Answer to {@link Heartbeat}, echoing its {@code readSeq}. {@code lastIndex} is the follower's last
 * log index, which lets the leader notice a follower that fell behind while it was idle.
 */
public record HeartbeatResponse(String from, String to, long term, long readSeq, long lastIndex)
    implements Message {}
