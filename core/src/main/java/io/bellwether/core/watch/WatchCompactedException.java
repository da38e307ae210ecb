package io.bellwether.core.watch;

/** A watch asked to start before the oldest change a node still has (HTTP 410). */
public final class WatchCompactedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final long oldestIndex;

  public WatchCompactedException(WatchPosition requested, long oldestIndex) {
    super("changes before index " + oldestIndex + " are no longer kept by this node; asked from "
        + requested.index() + " (read the current state, then watch from the index it was read at + 1)",
        null, false, false);
    this.oldestIndex = oldestIndex;
  }

  /** The oldest index a watch can start at on this node. */
  public long oldestIndex() {
    return oldestIndex;
  }
}
