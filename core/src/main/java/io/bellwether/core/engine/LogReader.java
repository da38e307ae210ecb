package io.bellwether.core.engine;

import io.bellwether.core.LogEntry;
import java.util.List;

/**
 * The engine's read-only window on the durable copy of its log: how it gets back entries it no
 * longer keeps in memory (it keeps only a bounded cache of the newest, {@link
 * RaftConfig#maxCachedEntries()}), for a follower that lags behind or for committed entries still to
 * be applied. The runtime implements it over its {@code LogStore}, whose {@code entries} and {@code
 * term} have exactly these contracts.
 *
 * <p>The engine asks only for entries after its snapshot that it handed out for persisting in a
 * {@link Ready} since advanced, and that it has not truncated since: entries the store holds as the
 * engine does. It never asks for entries it has not handed out yet (those stay in memory).
 *
 * <p>Thread: called on the thread that drives the engine, from inside its inputs ({@link
 * RaftEngine#step}, {@link RaftEngine#ready}, ...) and its constructor. Blocking: may read from
 * disk. Errors: an unchecked exception (a {@code StorageException} for a failed or corrupt medium)
 * passes out of the engine's method unchanged; the runtime then stops the node, as for a failed
 * sync. The engine's state is then not to be used further.
 */
public interface LogReader {

  /**
   * Entries from {@code fromIndex} (inclusive) to {@code toIndex} (exclusive), stopping early once
   * their total {@link LogEntry#sizeBytes()} would pass {@code maxBytes}, but at least one.
   */
  List<LogEntry> entries(long fromIndex, long toIndex, long maxBytes);

  /** Term of the entry at {@code index}. */
  long term(long index);
}
