package io.bellwether.core.engine;

import io.bellwether.core.LogEntry;
import io.bellwether.core.spi.EntryRing;
import java.util.ArrayList;
import java.util.List;

/**
 * The entries of the engine's log after its snapshot: the newest in memory, the older ones read
 * back through the {@link LogReader} from the store that persisted them. {@link RaftLog} keeps the
 * indexes and rules; this class only knows where an entry is.
 *
 * <p>Invariant: memory holds a suffix of the log, {@code recent.firstIndex() .. lastIndex()}, and
 * every entry of the log before it was persisted: handed out in a {@link Ready} that the runtime
 * advanced, and not truncated since, so the store holds it exactly as the engine does. An entry
 * leaves memory only once persisted ({@link #persisted}), oldest first, when the cache passes either
 * bound, and the last entry never leaves (the log's last term is asked for on every election).
 * Entries not yet persisted thus stay whatever the bounds: the store cannot give them back yet.
 */
final class EntryCache {

  private final LogReader stored;
  private final int maxEntries;
  private final long maxBytes;
  private final EntryRing recent;

  /** The highest index the store holds exactly as this log does. */
  private long persistedTo;

  /** An empty cache for a log whose next entry is {@code nextIndex}. */
  EntryCache(LogReader stored, long nextIndex, int maxEntries, long maxBytes) {
    this.stored = stored;
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
    this.recent = new EntryRing(nextIndex);
    this.persistedTo = nextIndex - 1;
  }

  long lastIndex() {
    return recent.endIndex() - 1;
  }

  /** Term of the entry at {@code index}, which the log holds (after its snapshot, up to its end). */
  long term(long index) {
    return recent.holds(index) ? recent.get(index).term() : stored.term(index);
  }

  /** The entry at {@code index}, which the log holds. */
  LogEntry entry(long index) {
    return recent.holds(index) ? recent.get(index) : slice(index, index + 1, Long.MAX_VALUE).get(0);
  }

  /**
   * Entries in {@code [from, to)} up to {@code maxBytes} (at least one), all within the log. A range
   * that starts before memory is read from the store (one read) and, if it reaches memory with bytes
   * to spare, goes on there: the batch is the same wherever its entries are, so where the cache
   * ends never changes what the engine sends or applies.
   */
  List<LogEntry> slice(long from, long to, long maxBytes) {
    if (from >= recent.firstIndex()) return recent.slice(from, to, maxBytes);
    long end = Math.min(to, recent.firstIndex());
    List<LogEntry> read = stored.entries(from, end, maxBytes);
    // The store is another module's code: check it kept its contract before the log trusts it.
    if (read.isEmpty() || read.get(0).index() != from || read.get(read.size() - 1).index() >= end
        || read.get(read.size() - 1).index() - from != read.size() - 1) {
      throw new IllegalStateException("the store answered entries " + from + ".." + end + " with "
          + (read.isEmpty() ? "none" : read.get(0).index() + ".." + read.get(read.size() - 1).index()));
    }
    if (from + read.size() < end || end == to) return read;
    long total = 0;
    for (LogEntry e : read) total += e.sizeBytes();
    List<LogEntry> out = new ArrayList<>(read);
    for (long i = end; i < to; i++) {
      LogEntry e = recent.get(i);
      total += e.sizeBytes();
      if (total > maxBytes) break;
      out.add(e);
    }
    return out;
  }

  /** Appends a new entry (not yet persisted) at the end. */
  void append(LogEntry entry) {
    recent.add(entry);
    trim();
  }

  /** Appends an entry read from the store at start: persisted already. */
  void load(LogEntry entry) {
    recent.add(entry);
    persistedTo = entry.index();
    trim();
  }

  /** Drops every entry at or after {@code index}; the store still holds them until it is told. */
  void truncateFrom(long index) {
    recent.truncateFrom(index);
    persistedTo = Math.min(persistedTo, index - 1);
  }

  /** Drops every entry up to {@code index}: compacted, or covered by a snapshot that kept the rest. */
  void dropThrough(long index) {
    recent.dropThrough(index);
    persistedTo = Math.max(persistedTo, index);
  }

  /** Empties the log: it continues right after a snapshot at {@code index} that replaced it. */
  void restartAfter(long index) {
    recent.reset(index + 1);
    persistedTo = index;
  }

  /**
   * The runtime persisted entries up to ({@code index}, {@code term}) and advanced their Ready. If
   * the log still holds that very entry, everything up to it is in the store as it is here (an entry
   * with the same index and term means the same log up to it, §5.3), and may leave memory.
   */
  void persisted(long index, long term) {
    if (index <= persistedTo || index > lastIndex() || term(index) != term) return;
    persistedTo = index;
    trim();
  }

  /** Bytes ({@link LogEntry#sizeBytes()}) of the entries held in memory. */
  long bytes() {
    return recent.bytes();
  }

  private void trim() {
    while ((recent.size() > maxEntries || recent.bytes() > maxBytes)
        && recent.size() > 1
        && recent.firstIndex() <= persistedTo) {
      recent.dropFirst();
    }
  }
}
