package io.bellwether.storage.mapdb;

import io.bellwether.core.spi.StorageException;

/**
 * Where each written entry lies in the WAL, by index: its segment, its offset there and its
 * length (the {@code LogEntryCodec} record), and its term. Held in primitive arrays used as a ring,
 * 20 bytes an entry and no object per entry, so a store can index millions of entries in a few
 * megabytes while their bytes stay on disk.
 *
 * <p>Entries are consecutive, {@code firstIndex() .. endIndex() - 1}. Along the index, the
 * locations only grow (segment, then offset): an entry is written after every entry before it that
 * is still in the log, since rewriting one (after a truncation) rewrites all after it too. A range
 * of entries in one segment therefore lies within one span of the file.
 *
 * <p>Not thread-safe: the store's caller only.
 */
final class EntryIndex {

  private static final int MIN_SLOTS = 64;

  /** The offset takes the low 40 bits of a location (segments up to 1 TiB), the segment the rest. */
  private static final int OFFSET_BITS = 40;

  private static final long OFFSET_MASK = (1L << OFFSET_BITS) - 1;

  private long[] locations = new long[MIN_SLOTS];
  private int[] lengths = new int[MIN_SLOTS];
  private long[] terms = new long[MIN_SLOTS];
  private int head;
  private int size;
  private long firstIndex;

  /** Empty; the first entry added will have index {@code nextIndex}. */
  EntryIndex(long nextIndex) {
    this.firstIndex = nextIndex;
  }

  long firstIndex() {
    return firstIndex;
  }

  /** The index after the last entry held. */
  long endIndex() {
    return firstIndex + size;
  }

  boolean holds(long index) {
    return index >= firstIndex && index < firstIndex + size;
  }

  /**
   * Adds the entry at {@link #endIndex()}: it lies in segment {@code segment} at {@code offset},
   * {@code length} bytes long.
   */
  void add(long segment, long offset, int length, long term) {
    if (segment < 0 || segment >= 1L << (63 - OFFSET_BITS) || offset < 0 || offset > OFFSET_MASK) {
      throw new StorageException("WAL position out of range for the entry index: segment " + segment + ", offset " + offset);
    }
    if (size == locations.length) resize(locations.length * 2);
    int at = (head + size) % locations.length;
    locations[at] = segment << OFFSET_BITS | offset;
    lengths[at] = length;
    terms[at] = term;
    size++;
  }

  long segment(long index) {
    return locations[slot(index)] >>> OFFSET_BITS;
  }

  long offset(long index) {
    return locations[slot(index)] & OFFSET_MASK;
  }

  int length(long index) {
    return lengths[slot(index)];
  }

  long term(long index) {
    return terms[slot(index)];
  }

  /** Drops the entries at or after {@code index}; before the first one, it empties and restarts there. */
  void truncateFrom(long index) {
    if (index <= firstIndex) {
      reset(index);
    } else if (index < endIndex()) {
      size = (int) (index - firstIndex);
    }
  }

  /** Drops the entries up to {@code index}; if none remains, continues at {@code max(endIndex(), index + 1)}. */
  void dropThrough(long index) {
    if (index >= endIndex() - 1) {
      reset(Math.max(endIndex(), index + 1));
      return;
    }
    if (index < firstIndex) return;
    int drop = (int) (index + 1 - firstIndex);
    head = (head + drop) % locations.length;
    size -= drop;
    firstIndex = index + 1;
    if (locations.length > MIN_SLOTS && size < locations.length / 4) resize(locations.length / 2);
  }

  void reset(long nextIndex) {
    if (locations.length > MIN_SLOTS) {
      locations = new long[MIN_SLOTS];
      lengths = new int[MIN_SLOTS];
      terms = new long[MIN_SLOTS];
    }
    head = 0;
    size = 0;
    firstIndex = nextIndex;
  }

  /** Heap taken by the arrays, in bytes (what indexing the written entries costs). */
  long heapBytes() {
    return (long) locations.length * (Long.BYTES + Integer.BYTES + Long.BYTES);
  }

  private int slot(long index) {
    if (!holds(index)) {
      throw new IllegalArgumentException("entry " + index + " is not indexed: " + firstIndex + ".." + (endIndex() - 1));
    }
    return (int) ((head + (index - firstIndex)) % locations.length);
  }

  private void resize(int capacity) {
    int n = Math.max(MIN_SLOTS, capacity);
    long[] l = new long[n];
    int[] len = new int[n];
    long[] t = new long[n];
    for (int i = 0; i < size; i++) {
      int from = (head + i) % locations.length;
      l[i] = locations[from];
      len[i] = lengths[from];
      t[i] = terms[from];
    }
    locations = l;
    lengths = len;
    terms = t;
    head = 0;
  }

  @Override
  public String toString() {
    return "EntryIndex[" + firstIndex + ".." + (endIndex() - 1) + "]";
  }
}
