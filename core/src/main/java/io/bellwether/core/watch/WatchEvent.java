package io.bellwether.core.watch;

import io.bellwether.core.kv.KvChange;
import java.util.function.Function;

/**
 * One change as a watcher receives it. Every watcher that receives a change gets an event with the
 * same index, change and position; {@link #encoded} lets them share one encoding of it.
 */
public final class WatchEvent {

  private final long index;
  private final KvChange change;
  private final WatchPosition after;
  private final SharedEncoding encoding;

  WatchEvent(long index, KvChange change, WatchPosition after, SharedEncoding encoding) {
    this.index = index;
    this.change = change;
    this.after = after;
    this.encoding = encoding;
  }

  /** The log index of the entry that made the change. */
  public long index() {
    return index;
  }

  /** The key, its new value or its deletion. */
  public KvChange change() {
    return change;
  }

  /**
   * The position just after this change: its {@link WatchPosition#eventId} is the event's id, and
   * resuming there delivers what follows it.
   */
  public WatchPosition after() {
    return after;
  }

  /**
   * This event encoded by {@code encoder}, computed once per change and shared by every watcher that
   * receives it (with 100 watchers, encoding each event for each one was a sixth of a node's CPU).
   * Use one encoder per history: the first encoding made is the one every later call gets. Thread-safe;
   * two threads may both encode, and either result is kept.
   */
  @SuppressWarnings("unchecked")
  public <T> T encoded(Function<WatchEvent, T> encoder) {
    Object e = encoding.value;
    if (e == null) {
      e = encoder.apply(this);
      encoding.value = e;
    }
    return (T) e;
  }

  @Override
  public String toString() {
    return "WatchEvent[" + index + " " + change + " after " + after + "]";
  }

  /** The cache of one change's encoding, held by its slot in the history. */
  static final class SharedEncoding {
    volatile Object value;
  }
}
