package io.bellwether.core.engine;

import io.bellwether.core.HardState;
import io.bellwether.core.LogEntry;
import io.bellwether.core.message.Message;
import io.bellwether.core.spi.Snapshot;
import java.util.List;

/**
 * Everything the engine asks its runtime to do after a batch of inputs, in the order it must be
 * done:
 *
 * <ol>
 *   <li>persist {@link #snapshot} (when not null: one received from the leader), then {@link
 *       #hardState} (when not null) and {@link #entries} (truncating any stored suffix from the
 *       first entry's index), then <b>sync</b> when {@link #mustSync()} says so;
 *   <li>send {@link #messages} (only now: a vote or an acknowledgement must never leave before what
 *       it promises is durable). The one exception: a leader's replication messages ({@code
 *       AppendEntries}, {@code Heartbeat}, {@code InstallSnapshot}) may leave before the sync, so
 *       the leader's disk write overlaps its followers' (Raft thesis §10.2.1); the engine counts the
 *       leader's own entries towards a majority only when it handles later inputs, which the
 *       runtime feeds after the sync;
 *   <li>restore the state machine from {@link #snapshot} when present; apply {@link
 *       #committedEntries} in order and answer their clients; serve {@link #readStates}
 *       once applied up to their index; fail {@link #failedReads}.
 * </ol>
 *
 * @param failedReads local reads that can no longer be confirmed, each with its cause (no leader
 *     known, leadership lost, ...); they must be answered with an error, never from local state
 * @param termOrVoteChanged whether {@link #hardState} differs from the last one handed out in term or
 *     vote, not only in commit index
 */
public record Ready(
    HardState hardState,
    List<LogEntry> entries,
    List<Message> messages,
    List<LogEntry> committedEntries,
    List<ReadState> readStates,
    List<FailedRead> failedReads,
    Snapshot snapshot,
    boolean termOrVoteChanged) {

  /**
   * Whether the store must be synced before anything else: new entries, a received snapshot, or a
   * new term or vote (Figure 2's persistent state, promised by every message that follows). A hard
   * state whose only change is the commit index is written but not synced on its own: the commit
   * index is volatile state in Raft, and a restarted engine does not trust the stored one (it learns
   * it again from the leader), so losing it in a crash costs nothing. Syncing it cost a leader a
   * second fsync between the followers' acknowledgements and the client's answer.
   */
  public boolean mustSync() {
    return termOrVoteChanged || !entries.isEmpty() || snapshot != null;
  }
}
