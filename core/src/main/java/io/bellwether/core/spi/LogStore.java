package io.bellwether.core.spi;

import io.bellwether.core.HardState;
import io.bellwether.core.LogEntry;
import java.util.List;
import java.util.Optional;

/**
 * Durable storage for one node's Raft log, its {@link HardState} and its latest snapshot.
 *
 * <p><b>Threading.</b> Every method is called by the node's single runtime thread (or, before the
 * node starts and after it stops, by the thread that owns the store). Implementations need no locks
 * for callers, but must not assume a particular thread.
 *
 * <p><b>Staging and durability.</b> {@link #append}, {@link #truncateSuffix}, {@link #saveHardState},
 * {@link #compactPrefix} and {@link #saveSnapshot} <em>stage</em> changes: they are visible to later
 * reads at once, but may be lost in a crash until {@link #sync()} returns. When {@code sync()}
 * returns, everything staged before it is durable. After a crash, unsynced changes may be lost, or
 * partly kept (a torn tail of the entries), but a change is never half visible: an entry is there
 * whole, with its exact bytes, or not at all, and the hard state is one that was saved. Unsynced
 * entries and an unsynced hard state may survive or be lost independently of each other; the engine
 * is written not to depend on their order.
 *
 * <p><b>Errors.</b> Methods may block on I/O. They throw {@link StorageException} when the medium
 * fails or the stored data is corrupt; the node then stops rather than risk acting on a log it cannot
 * trust. Programming errors (a gap in appended indexes, reading outside the log) throw
 * {@link IllegalArgumentException}.
 *
 * <p><b>Indexes.</b> The log holds entries {@code firstIndex() .. lastIndex()} with no gaps. An empty,
 * never-compacted log has {@code firstIndex() == 1} and {@code lastIndex() == 0}. After compaction up
 * to a snapshot at index {@code s}, {@code firstIndex() == s + 1}.
 */
public interface LogStore extends AutoCloseable {

  /** The last saved hard state, or {@link HardState#INITIAL} for a new store. */
  HardState hardState();

  /** Stages {@code state} to replace the hard state. */
  void saveHardState(HardState state);

  /** Index of the first entry held, or {@code lastIndex() + 1} when the log is empty. */
  long firstIndex();

  /** Index of the last entry held; the snapshot's index when the log after it is empty; 0 if none. */
  long lastIndex();

  /**
   * Term of the entry at {@code index}. Also answers for the snapshot's own index (the term of the
   * last entry it covers) and returns 0 for index 0.
   *
   * @throws IllegalArgumentException if {@code index} is neither held nor the snapshot's index
   */
  long term(long index);

  /**
   * Entries from {@code fromIndex} (inclusive) to {@code toIndex} (exclusive), stopping early once
   * their total {@link LogEntry#sizeBytes()} would exceed {@code maxBytes}, but always returning at
   * least one entry when the range is not empty. Reading a range must be cheap: no full scan, no file
   * access per entry where a batch will do.
   *
   * @throws IllegalArgumentException if the range is not inside {@code firstIndex()..lastIndex()+1}
   */
  List<LogEntry> entries(long fromIndex, long toIndex, long maxBytes);

  /**
   * Stages {@code entries}, which have consecutive indexes. If the first index is not {@code
   * lastIndex() + 1}, it must be inside the log: every held entry from that index on is removed first
   * (Raft §5.3: a conflicting suffix is replaced).
   *
   * @throws IllegalArgumentException if the first index would leave a gap or falls before the
   *     first held index
   */
  void append(List<LogEntry> entries);

  /** Stages removal of every entry at or after {@code fromIndex} (no-op if there is none). */
  void truncateSuffix(long fromIndex);

  /**
   * Stages removal of every entry up to and including {@code upToIndex}. Only entries covered by a
   * saved snapshot may be compacted.
   *
   * @throws IllegalArgumentException if {@code upToIndex} is past the latest snapshot's index
   */
  void compactPrefix(long upToIndex);

  /**
   * The latest saved snapshot, if any, equal to the one saved: its index, term, data and {@link
   * Snapshot#membership() configuration}, after a restart too. A snapshot saved without a
   * configuration comes back without one ({@code null}), not with an empty one.
   */
  Optional<Snapshot> snapshot();

  /**
   * Stages {@code snapshot} as the latest. Entries it covers stay until {@link #compactPrefix}
   * (a leader keeps a catch-up tail); entries after it that do not match its last term are removed.
   * A crash during the write must leave the previous snapshot usable.
   *
   * <p>The store keeps the snapshot's configuration with its data: the log entries that set it may be
   * compacted, and a node restarted from this snapshot learns its cluster's members from it alone.
   */
  void saveSnapshot(Snapshot snapshot);

  /**
   * Writes {@code snapshot}'s data durably where this store keeps snapshots, without making it the
   * latest, so that a following {@link #saveSnapshot} of the same snapshot (the same instance) and
   * its {@link #sync} need not write it again: the slow part of saving a snapshot, done off the node
   * thread so that a big or slow write never holds up heartbeats.
   *
   * <p>Thread: called from one background thread at a time, concurrently with the other methods on
   * the node's thread. Blocking: for the whole write and force. Durability: the data is on disk when
   * this returns, but the store refers to it only after {@code saveSnapshot} and {@code sync}; a
   * prepared snapshot never saved is discarded (at the next prepare, at a save of another snapshot,
   * or at the next open). The default does nothing: {@code saveSnapshot} and {@code sync} then write
   * everything, which suits stores whose snapshots cost nothing to save.
   *
   * @throws StorageException if the data cannot be written; the store's durable state is unchanged
   */
  default void prepareSnapshot(Snapshot snapshot) {}

  /** Makes every staged change durable before returning. May block for the disk. */
  void sync();

  /** Releases files and locks. Unsynced changes may be lost. Idempotent. */
  @Override
  void close();
}
