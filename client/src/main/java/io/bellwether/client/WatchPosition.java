package io.bellwether.client;

/**
 * A position in the change stream, as an SSE event id says it: {@code <index>} (every change of log
 * entries up to {@code index} was sent) or {@code <index>.<k>} (the first {@code k} changes of entry
 * {@code index} were sent too). Positions are the same on every node, so comparing them tells a
 * duplicate from a new event whichever node sent it.
 */
record WatchPosition(long index, long sent) implements Comparable<WatchPosition> {

  /** {@code sent} of a whole entry: after any partial position of it. */
  static final long WHOLE = Long.MAX_VALUE;

  /**
   * @throws IllegalArgumentException naming the id when it is not {@code <index>} or {@code <index>.<k>}
   */
  static WatchPosition parse(String id) {
    try {
      int dot = id.indexOf('.');
      long index = Long.parseLong(dot < 0 ? id : id.substring(0, dot));
      long k = dot < 0 ? WHOLE : Long.parseLong(id.substring(dot + 1));
      if (index < 0 || k < 1) throw new NumberFormatException();
      return new WatchPosition(index, k);
    } catch (NumberFormatException | NullPointerException e) {
      throw new IllegalArgumentException("'" + id + "' is not a watch event id (<index> or <index>.<k>)");
    }
  }

  @Override
  public int compareTo(WatchPosition o) {
    int c = Long.compare(index, o.index);
    return c != 0 ? c : Long.compare(sent, o.sent);
  }

  boolean after(WatchPosition o) {
    return o == null || compareTo(o) > 0;
  }

  @Override
  public String toString() {
    return sent == WHOLE ? Long.toString(index) : index + "." + sent;
  }
}
