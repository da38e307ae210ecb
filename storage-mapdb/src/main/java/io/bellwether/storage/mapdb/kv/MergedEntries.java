package io.bellwether.storage.mapdb.kv;

import java.util.AbstractMap;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;

/**
 * Several sorted sources merged into one, in unsigned key-byte order: where sources hold the same key,
 * the newest (the first in the list) wins and the others are skipped. Tombstones are passed on (a merge
 * into a newer layer must keep hiding older ones) or dropped ({@code dropTombstones}: when nothing
 * older is left to hide, or for a reader).
 */
final class MergedEntries implements Iterator<Map.Entry<byte[], byte[]>> {

  private static final class Head {
    final int rank;
    final Iterator<Map.Entry<byte[], byte[]>> source;
    Map.Entry<byte[], byte[]> entry;

    Head(int rank, Iterator<Map.Entry<byte[], byte[]>> source) {
      this.rank = rank;
      this.source = source;
    }

    boolean advance() {
      entry = source.hasNext() ? source.next() : null;
      return entry != null;
    }
  }

  private final PriorityQueue<Head> heads = new PriorityQueue<>((a, b) -> {
    int c = Arrays.compareUnsigned(a.entry.getKey(), b.entry.getKey());
    return c != 0 ? c : Integer.compare(a.rank, b.rank);
  });
  private final boolean dropTombstones;
  private Map.Entry<byte[], byte[]> next;

  /** @param newestFirst the sources, each sorted with no repeated key */
  MergedEntries(List<Iterator<Map.Entry<byte[], byte[]>>> newestFirst, boolean dropTombstones) {
    this.dropTombstones = dropTombstones;
    for (int i = 0; i < newestFirst.size(); i++) {
      Head h = new Head(i, newestFirst.get(i));
      if (h.advance()) heads.add(h);
    }
    next = find();
  }

  private Map.Entry<byte[], byte[]> find() {
    while (!heads.isEmpty()) {
      Head top = heads.poll();
      // Copied before any source moves on: an iterator may reuse its entry objects.
      Map.Entry<byte[], byte[]> winner =
          new AbstractMap.SimpleImmutableEntry<>(top.entry.getKey(), top.entry.getValue());
      // Older sources holding the same key are overridden: skip their entries.
      while (!heads.isEmpty() && Arrays.equals(heads.peek().entry.getKey(), winner.getKey())) {
        Head same = heads.poll();
        if (same.advance()) heads.add(same);
      }
      if (top.advance()) heads.add(top);
      if (!(dropTombstones && LayerValue.isTombstone(winner.getValue()))) return winner;
    }
    return null;
  }

  @Override
  public boolean hasNext() {
    return next != null;
  }

  @Override
  public Map.Entry<byte[], byte[]> next() {
    if (next == null) throw new NoSuchElementException();
    Map.Entry<byte[], byte[]> out = next;
    next = find();
    return out;
  }
}
