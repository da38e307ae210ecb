package io.bellwether.core.message;

import io.bellwether.core.LogEntry;
import java.util.List;

/**
 * AppendEntries RPC (Raft §5.3): the leader replicates {@code entries} that follow the entry at
 * ({@code prevLogIndex}, {@code prevLogTerm}). The follower accepts only if its log holds that entry
 * (the consistency check), which by induction makes the logs match up to there (Log Matching).
 *
 * @param leaderCommit the leader's commit index, the high-water mark
 */
public record AppendEntries(
    String from,
    String to,
    long term,
    long prevLogIndex,
    long prevLogTerm,
    List<LogEntry> entries,
    long leaderCommit)
    implements Message {

  public AppendEntries {
    entries = List.copyOf(entries);
  }

  /** Index of the last entry this message carries, or {@code prevLogIndex} when it carries none. */
  public long lastIndex() {
    return prevLogIndex + entries.size();
  }
}
