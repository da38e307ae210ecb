package io.bellwether.core.spi;

import io.bellwether.core.LogEntry;
import java.util.List;

/**
 * The argument rules of the {@link LogStore} contract, in one place, for every implementation: each
 * method throws {@link IllegalArgumentException} with the message the contract's tests expect when a
 * caller breaks a rule, and does nothing otherwise. Stateless and thread-safe.
 *
 * <p>{@code first} and {@code last} are the store's {@link LogStore#firstIndex()} and {@link
 * LogStore#lastIndex()}; {@code snapshot} is its latest snapshot or null.
 */
public final class LogStoreArguments {

  private LogStoreArguments() {}

  /** {@link LogStore#entries}: the range must lie inside {@code first .. last + 1}. */
  public static void checkRange(long fromIndex, long toIndex, long first, long last) {
    if (fromIndex < first || toIndex > last + 1 || fromIndex > toIndex) {
      throw new IllegalArgumentException(
          "range " + fromIndex + ".." + toIndex + " is outside " + first + ".." + (last + 1));
    }
  }

  /** {@link LogStore#term}: the index must be held (index 0 and the snapshot's are answered apart). */
  public static void checkHeld(long index, long first, long last, Snapshot snapshot) {
    if (index < first || index > last) {
      throw new IllegalArgumentException(
          "no term for index " + index + ": log holds " + first + ".." + last + describe(snapshot));
    }
  }

  /**
   * {@link LogStore#append}: consecutive indexes, no gap after {@code last}, nothing before {@code
   * first}, and nothing a snapshot covers (those entries are committed).
   */
  public static void checkAppend(List<LogEntry> batch, long first, long last, Snapshot snapshot) {
    if (batch.isEmpty()) return;
    long start = batch.get(0).index();
    for (int i = 1; i < batch.size(); i++) {
      if (batch.get(i).index() != start + i) {
        throw new IllegalArgumentException(
            "appended indexes must be consecutive: " + batch.get(i - 1) + " then " + batch.get(i));
      }
    }
    if (start > last + 1) {
      throw new IllegalArgumentException("append at " + start + " would leave a gap after " + last);
    }
    if (start < first) {
      throw new IllegalArgumentException("append at " + start + " falls before first index " + first);
    }
    checkAfterSnapshot(start, "append at", snapshot);
  }

  /**
   * {@link LogStore#truncateSuffix}: never into compacted or snapshot-covered entries.
   *
   * @return false when there is nothing to truncate ({@code fromIndex > last})
   */
  public static boolean checkTruncate(long fromIndex, long first, long last, Snapshot snapshot) {
    if (fromIndex > last) return false;
    if (fromIndex < first) {
      throw new IllegalArgumentException(
          "truncate from " + fromIndex + " reaches compacted entries before " + first);
    }
    checkAfterSnapshot(fromIndex, "truncate from", snapshot);
    return true;
  }

  /** {@link LogStore#compactPrefix}: only entries a saved snapshot covers may go. */
  public static void checkCompact(long upToIndex, Snapshot snapshot) {
    if (snapshot == null || upToIndex > snapshot.lastIndex()) {
      throw new IllegalArgumentException(
          "cannot compact up to " + upToIndex + ": only entries covered by a snapshot may go"
              + describe(snapshot));
    }
  }

  /** {@link LogStore#saveSnapshot}: never older than the compacted prefix. */
  public static void checkSnapshot(Snapshot next, long first) {
    if (next.lastIndex() < first - 1) {
      throw new IllegalArgumentException(
          "snapshot at " + next.lastIndex() + " is older than the compacted prefix up to " + (first - 1));
    }
  }

  private static void checkAfterSnapshot(long index, String what, Snapshot snapshot) {
    if (snapshot != null && index <= snapshot.lastIndex()) {
      throw new IllegalArgumentException(
          what + " " + index + " would change entries covered by the snapshot at " + snapshot.lastIndex());
    }
  }

  private static String describe(Snapshot snapshot) {
    return snapshot == null ? ", no snapshot" : ", snapshot at " + snapshot.lastIndex();
  }
}
