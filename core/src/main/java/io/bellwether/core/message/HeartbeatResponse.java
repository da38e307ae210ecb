package io.bellwether.core.message;

/**
 * Answer to {@link Heartbeat}, echoing its {@code readSeq}. {@code lastIndex} is the follower's last
 * log index, which lets the leader notice a follower that fell behind while it was idle.
 *
 * <p>Every answer counts toward ReadIndex confirmation and check-quorum. It counts toward the
 * leader's <em>lease</em> only when {@code promiseCoversLease}: the follower will refuse votes for at
 * least as long as the leader's timing (carried in the heartbeat) assumes. A follower whose tick or
 * election timeout makes its promise shorter, or that does not refuse votes while it hears from a
 * leader at all (check-quorum off), says false, and the leader falls back to ReadIndex rather than
 * trust a lease such followers do not back.
 */
public record HeartbeatResponse(
    String from, String to, long term, long readSeq, long lastIndex, boolean promiseCoversLease)
    implements Message {}
