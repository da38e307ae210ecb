package io.bellwether.core.engine;

import io.bellwether.core.LogEntry;
import io.bellwether.core.Membership;
import java.util.List;

/**
 * The engine's view of its log: every entry after the last snapshot, plus the commit, applying and
 * applied indexes. The {@link io.bellwether.core.spi.LogStore} is the durable copy; this class tracks
 * which entries have not yet been handed out for persisting ({@code unstableFrom}), and which the
 * store holds as it does ({@link #persisted}).
 *
 * <p>Like etcd's raft log, it keeps apart the entries handed out for applying ({@link
 * #applyingIndex}, moved by {@link #takeCommitted}) and those the runtime has applied ({@link
 * #appliedIndex}, moved by {@link #appliedTo} when it advances the {@link Ready} that carried them).
 * Between the two, the state machine does not yet hold what was handed out: a snapshot or a
 * compaction must go by the applied index only.
 *
 * <p>Only the newest entries are held in memory ({@link EntryCache}, bounded by {@link
 * RaftConfig#maxCachedEntries()} and {@link RaftConfig#maxCachedBytes()}); older ones are read back
 * through the {@link LogReader} the runtime gives, so a follower far behind, or a long log at
 * restart, does not fill the heap. The engine still does no I/O of its own: the reader is the
 * runtime's.
 */
final class RaftLog {

  /**
   * Index and term of the entry just before the first one held: the last compacted entry (0, 0
   * when nothing was ever compacted). Named for the snapshot because only a snapshot lets the log
   * drop entries, though a catch-up tail may keep some entries the snapshot also covers.
   */
  private long snapshotIndex;

  private long snapshotTerm;

  /** The entries from snapshotIndex + 1 on: the newest in memory, the rest through the reader. */
  private final EntryCache entries;

  /** Bytes the constructor reads from the store at a time while it scans the stored log. */
  private static final long SCAN_BATCH_BYTES = 4 << 20;

  /** First index not yet handed out to be persisted. */
  private long unstableFrom;

  private long commitIndex;

  /** Highest index handed out for applying (in a Ready, or by an installed snapshot). */
  private long applyingIndex;

  /** Highest index the runtime has applied: it advanced the Ready that carried it. */
  private long appliedIndex;

  /** The cluster configurations this log holds, kept in step with every change to it. */
  private final Configurations configurations;

  /** Planted bug {@link InjectedBug#CONFIG_ON_COMMIT}: the test kit only. */
  private boolean configOnCommit;

  /**
   * A log restored from storage. The commit index starts at the snapshot's index, never at a
   * commit index read from disk: a crash can keep a saved commit index while losing the entries it
   * covered, leaving older, uncommitted entries at those indexes (found by the simulation, seed 5
   * of 3 nodes). A restarted node learns the commit index again from the leader, which only counts
   * entries the node acknowledged after syncing them.
   */
  RaftLog(long snapshotIndex, long snapshotTerm, List<LogEntry> stored) {
    this(snapshotIndex, snapshotTerm, Membership.EMPTY, stored);
  }

  /**
   * A log that keeps all of {@code stored}, and every entry appended later, in memory: for an
   * engine with no store to read entries back from (tests, tools).
   *
   * @param base the configuration in effect at {@code snapshotIndex}: the snapshot's, or the
   *     bootstrap configuration
   */
  RaftLog(long snapshotIndex, long snapshotTerm, Membership base, List<LogEntry> stored) {
    this(snapshotIndex, snapshotTerm, base, new ListReader(snapshotIndex, stored),
        snapshotIndex + stored.size(), Integer.MAX_VALUE, Long.MAX_VALUE);
  }

  /**
   * A log restored from a store, read through {@code stored}: once at start, in batches, for its
   * configuration entries and the newest entries to keep (never all at once), later for the
   * entries memory no longer holds.
   *
   * @param storedLastIndex the stored log's last index ({@code snapshotIndex} if it is empty)
   * @param maxCachedEntries persisted entries kept in memory at most, newest first
   * @param maxCachedBytes the same bound in entry bytes
   * @throws IllegalArgumentException if the stored entries have a gap
   */
  RaftLog(long snapshotIndex, long snapshotTerm, Membership base, LogReader stored,
      long storedLastIndex, int maxCachedEntries, long maxCachedBytes) {
    this.snapshotIndex = snapshotIndex;
    this.snapshotTerm = snapshotTerm;
    this.configurations = new Configurations(base);
    this.entries = new EntryCache(stored, snapshotIndex + 1, maxCachedEntries, maxCachedBytes);
    for (long expected = snapshotIndex + 1; expected <= storedLastIndex; ) {
      List<LogEntry> batch = stored.entries(expected, storedLastIndex + 1, SCAN_BATCH_BYTES);
      if (batch.isEmpty()) throw new IllegalArgumentException("stored log has a gap at index " + expected);
      for (LogEntry e : batch) {
        if (e.index() != expected) throw new IllegalArgumentException("stored log has a gap at index " + expected);
        entries.load(e);
        configurations.appended(e);
        expected++;
      }
    }
    this.unstableFrom = lastIndex() + 1;
    this.commitIndex = snapshotIndex;
    this.applyingIndex = snapshotIndex;
    this.appliedIndex = snapshotIndex;
  }

  /** The newest configuration in the log, committed or not: the one in effect (thesis §4.1). */
  Membership membership() {
    return configOnCommit ? configurations.at(commitIndex) : configurations.latest();
  }

  void plantConfigOnCommit() {
    configOnCommit = true;
  }

  /** The configuration in effect once the entry at {@code index} is applied. */
  Membership membershipAt(long index) {
    return configurations.at(index);
  }

  /** Whether the newest configuration is not committed yet: a change is in flight. */
  boolean membershipChangePending() {
    return configurations.changeAfter(commitIndex);
  }

  long firstIndex() {
    return snapshotIndex + 1;
  }

  long lastIndex() {
    return entries.lastIndex();
  }

  long lastTerm() {
    return term(lastIndex());
  }

  long snapshotIndex() {
    return snapshotIndex;
  }

  long commitIndex() {
    return commitIndex;
  }

  long applyingIndex() {
    return applyingIndex;
  }

  long appliedIndex() {
    return appliedIndex;
  }

  /**
   * The runtime has applied everything up to {@code index} (it advanced the Ready that handed it
   * out). Never past what was handed out, and never backwards.
   */
  void appliedTo(long index) {
    if (index > applyingIndex) {
      throw new IllegalStateException("applied " + index + " past handed out " + applyingIndex);
    }
    appliedIndex = Math.max(appliedIndex, index);
  }

  /** Term at {@code index}; 0 for index 0; -1 when the index is compacted away or past the end. */
  long term(long index) {
    if (index == snapshotIndex) return snapshotTerm;
    if (index < snapshotIndex || index > lastIndex()) return -1;
    return entries.term(index);
  }

  boolean matchTerm(long index, long term) {
    long t = term(index);
    return t >= 0 && t == term;
  }

  /** The entry at {@code index}, read from the store if memory no longer holds it. */
  LogEntry entry(long index) {
    if (index <= snapshotIndex || index > lastIndex()) {
      throw new IllegalArgumentException("entry " + index + " outside log [" + firstIndex() + ", " + lastIndex() + "]");
    }
    return entries.entry(index);
  }

  /**
   * Raft §5.4.1: a candidate's log is at least as up-to-date as ours if its last term is higher, or
   * the terms are equal and its log is at least as long.
   */
  boolean isUpToDate(long lastLogIndex, long lastLogTerm) {
    long ourLastTerm = lastTerm();
    return lastLogTerm > ourLastTerm || (lastLogTerm == ourLastTerm && lastLogIndex >= lastIndex());
  }

  /** Entries in {@code [from, to)}, stopping once {@code maxBytes} is passed (at least one). */
  List<LogEntry> slice(long from, long to, long maxBytes) {
    if (from < firstIndex() || to > lastIndex() + 1 || from > to) {
      throw new IllegalArgumentException(
          "slice [" + from + ", " + to + ") outside log [" + firstIndex() + ", " + (lastIndex() + 1) + ")");
    }
    if (from == to) return List.of();
    return entries.slice(from, to, maxBytes);
  }

  /** Appends one entry at the end (the leader's own proposals). */
  void append(LogEntry entry) {
    if (entry.index() != lastIndex() + 1) {
      throw new IllegalArgumentException("append at " + entry.index() + " after " + lastIndex());
    }
    entries.append(entry);
    configurations.appended(entry);
  }

  /**
   * Follower side of §5.3: given entries that follow an entry we already matched, skip those we hold
   * with the same term, truncate at the first conflict and append the rest. Never truncates a
   * committed entry: that would mean two different entries were committed at one index.
   *
   * @return the index of the last entry now known to match the leader
   */
  long appendFromLeader(List<LogEntry> incoming) {
    for (LogEntry e : incoming) {
      if (e.index() <= snapshotIndex) continue; // covered by our snapshot, hence committed
      if (e.index() <= lastIndex()) {
        if (term(e.index()) == e.term()) continue;
        if (e.index() <= commitIndex) {
          throw new IllegalStateException(
              "leader sent entry " + e + " conflicting with committed index " + commitIndex);
        }
        truncateFrom(e.index());
      }
      entries.append(e);
      configurations.appended(e);
    }
    return incoming.isEmpty() ? -1 : incoming.get(incoming.size() - 1).index();
  }

  private void truncateFrom(long index) {
    entries.truncateFrom(index);
    configurations.truncatedFrom(index);
    unstableFrom = Math.min(unstableFrom, index);
  }

  /** The first index of the term at {@code index} (scanning back, stopping after the snapshot). */
  long firstIndexOfTermAt(long index) {
    long t = term(index);
    long i = index;
    while (i - 1 > snapshotIndex && term(i - 1) == t) i--;
    return i;
  }

  /** The last index holding {@code term}, or 0 when no held entry has it. */
  long lastIndexOfTerm(long term) {
    for (long i = lastIndex(); i > snapshotIndex; i--) {
      long t = term(i);
      if (t == term) return i;
      if (t < term) return 0; // terms only grow along the log
    }
    return 0;
  }

  boolean hasUnstable() {
    return unstableFrom <= lastIndex();
  }

  /** Entries not yet handed out for persisting, and marks them handed out. */
  List<LogEntry> takeUnstable() {
    if (unstableFrom > lastIndex()) return List.of();
    List<LogEntry> out = List.copyOf(entries.slice(unstableFrom, lastIndex() + 1, Long.MAX_VALUE));
    unstableFrom = lastIndex() + 1;
    return out;
  }

  /**
   * The runtime persisted the entries of a Ready up to ({@code index}, {@code term}) and advanced
   * it: from now on they may leave memory and be read back from the store.
   */
  void persisted(long index, long term) {
    entries.persisted(index, term);
  }

  /** Bytes of entries held in memory ({@link LogEntry#sizeBytes()}). */
  long cachedBytes() {
    return entries.bytes();
  }

  /** Raises the commit index. It never goes backwards (the high-water mark only rises). */
  void commitTo(long index) {
    if (index <= commitIndex) return;
    if (index > lastIndex()) {
      throw new IllegalStateException("commit " + index + " past last index " + lastIndex());
    }
    commitIndex = index;
  }

  /**
   * Drops every entry up to {@code index}, which the state machine has applied and a saved snapshot
   * covers (Raft §7).
   */
  void compact(long index) {
    if (index <= snapshotIndex) return;
    if (index > appliedIndex) {
      throw new IllegalArgumentException("compact " + index + " past applied " + appliedIndex);
    }
    long termAtIndex = term(index);
    entries.dropThrough(index);
    configurations.compactedTo(index);
    snapshotIndex = index;
    snapshotTerm = termAtIndex;
  }

  /**
   * Installs a snapshot received from the leader (Raft §7): if we hold the entry it ends with, keep
   * the entries after it; otherwise discard the whole log. Everything it covers counts as committed
   * and handed out for applying; it counts as applied once the runtime restored the state machine
   * from it (it advanced the Ready that carried the snapshot).
   */
  void installSnapshot(long index, long term, Membership membership) {
    if (matchTerm(index, term) && index > snapshotIndex) {
      entries.dropThrough(index);
      configurations.installed(index, membership);
      unstableFrom = Math.max(unstableFrom, index + 1); // what follows was persisted or still is due
    } else {
      entries.restartAfter(index);
      configurations.truncatedFrom(snapshotIndex + 1);
      configurations.installed(index, membership);
      // Nothing is left to persist, and what arrives next must be: never keep an old, higher
      // unstableFrom (found by the simulation, seed 35 of 5 nodes: entries were acknowledged but
      // never handed out to be persisted).
      unstableFrom = index + 1;
    }
    snapshotIndex = index;
    snapshotTerm = term;
    commitIndex = Math.max(commitIndex, index);
    applyingIndex = index;
  }

  /** Whether committed entries wait to be handed out for applying. */
  boolean hasCommittedToApply() {
    return commitIndex > applyingIndex;
  }

  /**
   * Committed entries not yet handed out for applying (at most {@code maxBytes}), now marked as
   * handed out; they count as applied only at {@link #appliedTo}.
   */
  List<LogEntry> takeCommitted(long maxBytes) {
    if (applyingIndex >= commitIndex) return List.of();
    List<LogEntry> out = slice(applyingIndex + 1, commitIndex + 1, maxBytes);
    applyingIndex = out.get(out.size() - 1).index();
    return out;
  }
}
