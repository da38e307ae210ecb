package io.bellwether.core.message;

/**
 * Answer to {@link AppendEntries}.
 *
 * <p>On success, {@code matchIndex} is the last index the follower now holds durably that matches the
 * leader's log. On rejection the follower adds a conflict hint (the "fast back-off" of §5.3): if its
 * log is too short, {@code conflictTerm} is 0 and {@code conflictIndex} is its last index + 1;
 * otherwise {@code conflictTerm} is the term it holds at {@code prevLogIndex} and {@code conflictIndex}
 * is the first index it holds with that term. The leader can then skip a whole term per round trip.
 */
public record AppendEntriesResponse(
    String from,
    String to,
    long term,
    boolean success,
    long matchIndex,
    long conflictIndex,
    long conflictTerm)
    implements Message {}
