package io.bellwether.core.spi;

import io.bellwether.core.LogEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Consecutive log entries by index, in a ring buffer: new entries join at the end, the oldest leave
 * from the front at no cost, and the total of their {@link LogEntry#sizeBytes()} is kept as they
 * come and go. For holding a bounded window of recent entries in memory: the engine's cache of its
 * log, a store's cache of what it wrote.
 *
 * <p>The ring always knows where the log it mirrors continues: empty, it still has a {@link
 * #firstIndex()} (equal to {@link #endIndex()}), the index the next entry must have.
 *
 * <p>Not thread-safe: one owner. Every method is O(1) except {@link #truncateFrom} and {@link
 * #dropThrough}, which are O(entries dropped), and {@link #slice}, O(entries returned).
 */
public final class EntryRing {

  private static final int MIN_SLOTS = 16;

  private LogEntry[] slots = new LogEntry[MIN_SLOTS];
  private int head;
  private int size;
  private long firstIndex;
  private long bytes;

  /** An empty ring whose first entry will have index {@code nextIndex}. */
  public EntryRing(long nextIndex) {
    this.firstIndex = nextIndex;
  }

  /** Index of the oldest entry held; {@link #endIndex()} when empty. */
  public long firstIndex() {
    return firstIndex;
  }

  /** Index after the newest entry held: the index the next {@link #add} must have. */
  public long endIndex() {
    return firstIndex + size;
  }

  public int size() {
    return size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  /** The sum of the held entries' {@link LogEntry#sizeBytes()}. */
  public long bytes() {
    return bytes;
  }

  /** Whether the entry at {@code index} is held. */
  public boolean holds(long index) {
    return index >= firstIndex && index < firstIndex + size;
  }

  /**
   * The entry at {@code index}.
   *
   * @throws IllegalArgumentException if it is not held
   */
  public LogEntry get(long index) {
    if (!holds(index)) {
      throw new IllegalArgumentException("entry " + index + " is not held: ring holds " + firstIndex + ".." + (endIndex() - 1));
    }
    return slots[slot(index)];
  }

  /**
   * Appends {@code entry} at the end.
   *
   * @throws IllegalArgumentException if its index is not {@link #endIndex()}
   */
  public void add(LogEntry entry) {
    if (entry.index() != endIndex()) {
      throw new IllegalArgumentException("entry " + entry.index() + " added where " + endIndex() + " belongs");
    }
    if (size == slots.length) resize(slots.length * 2);
    slots[(head + size) % slots.length] = entry;
    size++;
    bytes += entry.sizeBytes();
  }

  /**
   * Drops every entry at or after {@code index}: the log now continues at {@code index}. If {@code
   * index} lies before the first entry held, the ring is emptied and continues there.
   */
  public void truncateFrom(long index) {
    if (index <= firstIndex) {
      reset(index);
      return;
    }
    while (endIndex() > index) {
      int at = (head + size - 1) % slots.length;
      bytes -= slots[at].sizeBytes();
      slots[at] = null;
      size--;
    }
  }

  /**
   * Drops every entry up to and including {@code index}, oldest first. If none remains, the ring
   * continues at {@code max(endIndex(), index + 1)}.
   */
  public void dropThrough(long index) {
    if (index >= endIndex() - 1) {
      reset(Math.max(endIndex(), index + 1));
      return;
    }
    while (firstIndex <= index) dropFirst();
    if (slots.length > MIN_SLOTS && size < slots.length / 4) resize(slots.length / 2);
  }

  /** Drops the oldest entry held, if any: the one way to shrink the ring to a bound. */
  public void dropFirst() {
    if (size == 0) return;
    bytes -= slots[head].sizeBytes();
    slots[head] = null;
    head = (head + 1) % slots.length;
    size--;
    firstIndex++;
  }

  /** Empties the ring; the next entry added must have index {@code nextIndex}. */
  public void reset(long nextIndex) {
    if (slots.length > MIN_SLOTS) {
      slots = new LogEntry[MIN_SLOTS];
    } else {
      Arrays.fill(slots, null);
    }
    head = 0;
    size = 0;
    bytes = 0;
    firstIndex = nextIndex;
  }

  /**
   * Held entries from {@code from} (inclusive) to {@code to} (exclusive), stopping once their total
   * {@link LogEntry#sizeBytes()} would pass {@code maxBytes}, but never returning none of a
   * non-empty range (the {@link LogStore#entries} rule).
   *
   * @throws IllegalArgumentException unless {@code firstIndex() <= from <= to <= endIndex()}
   */
  public List<LogEntry> slice(long from, long to, long maxBytes) {
    if (from < firstIndex || to > endIndex() || from > to) {
      throw new IllegalArgumentException("slice " + from + ".." + to + " outside ring " + firstIndex + ".." + endIndex());
    }
    List<LogEntry> out = new ArrayList<>((int) Math.min(to - from, 1024));
    long total = 0;
    for (long i = from; i < to; i++) {
      LogEntry e = slots[slot(i)];
      total += e.sizeBytes();
      if (!out.isEmpty() && total > maxBytes) break;
      out.add(e);
    }
    return out;
  }

  private int slot(long index) {
    return (int) ((head + (index - firstIndex)) % slots.length);
  }

  private void resize(int capacity) {
    LogEntry[] next = new LogEntry[Math.max(MIN_SLOTS, capacity)];
    for (int i = 0; i < size; i++) next[i] = slots[(head + i) % slots.length];
    slots = next;
    head = 0;
  }
}
