package io.bellwether.core.message;

/**
 * The leader's periodic heartbeat. It asserts leadership (resetting followers' election timers),
 * carries the commit index the follower may safely use ({@code min(matchIndex, commitIndex)}: a
 * heartbeat performs no consistency check, so it must never advance a follower's commit index past
 * what the leader knows matches), and a {@code readSeq} that the follower echoes, so a leader can
 * confirm it is still leader for ReadIndex (thesis §6.4).
 */
public record Heartbeat(String from, String to, long term, long commitIndex, long readSeq)
    implements Message {}
