package io.bellwether.core.watch;

/**
 * Where a watch stands in the log: the next change to deliver is change number {@code skip}
 * (0-based) of the entry at {@code index}, or any change after it. Positions are the same on every
 * node, because every node applies the same entries in the same order: that is what lets a watcher
 * resume on another node without a gap or a duplicate.
 *
 * <p>As text (an SSE event id) a position says what was delivered: {@code "105"} means every change
 * of entries up to 105, so the watch resumes at entry 106; {@code "105.2"} means the first two
 * changes of entry 105, which changed more keys (the end of a lease deletes all its keys in one
 * entry).
 */
public record WatchPosition(long index, int skip) implements Comparable<WatchPosition> {

  public WatchPosition {
    if (index < 1) throw new IllegalArgumentException("index must be >= 1: " + index);
    if (skip < 0) throw new IllegalArgumentException("skip must be >= 0: " + skip);
  }

  /** Every change of the entry at {@code index} and after. */
  public static WatchPosition from(long index) {
    return new WatchPosition(index, 0);
  }

  /**
   * The position just after an event id this class wrote ({@link #eventId}).
   *
   * @throws IllegalArgumentException if {@code id} is not such an id
   */
  public static WatchPosition afterEventId(String id) {
    String s = id.strip();
    try {
      int dot = s.indexOf('.');
      if (dot < 0) {
        long index = Long.parseLong(s);
        if (index < 0 || index == Long.MAX_VALUE) throw new NumberFormatException();
        return new WatchPosition(index + 1, 0);
      }
      long index = Long.parseLong(s.substring(0, dot));
      int skip = Integer.parseInt(s.substring(dot + 1));
      if (index < 1 || skip < 1) throw new NumberFormatException();
      return new WatchPosition(index, skip);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "'" + id + "' is not an event id: expected an index (\"105\") or an index and a count (\"105.2\")");
    }
  }

  /** The event id that resumes at this position: see the class comment. */
  public String eventId() {
    return skip == 0 ? Long.toString(index - 1) : index + "." + skip;
  }

  @Override
  public int compareTo(WatchPosition o) {
    int c = Long.compare(index, o.index);
    return c != 0 ? c : Integer.compare(skip, o.skip);
  }

  @Override
  public String toString() {
    return eventId();
  }
}
