package io.bellwether.core.message;

/**
 * Answer to {@link InstallSnapshot}: the follower expects {@code nextOffset} next for the snapshot
 * ending at {@code lastIndex}; when {@code installed}, it has installed that snapshot (or already held
 * everything it covers) and the leader resumes normal replication after {@code lastIndex}.
 */
public record InstallSnapshotResponse(
    String from, String to, long term, long lastIndex, long nextOffset, boolean installed)
    implements Message {}
