package io.bellwether.core.watch;

import io.bellwether.core.kv.KvChange;

/**
 * One watch on a {@link ChangeHistory}: the changes of one key, or of every key under a prefix, from
 * a position on. A watcher holds no changes of its own: its owner {@link #poll}s it when woken and
 * gets what the history holds past its position, so a watcher costs a few fields however far behind
 * it is. Get one from {@link ChangeHistory#watch}.
 *
 * <p><b>Threading.</b> Thread-safe. The wake-up runs on the node thread while entries are applied: it
 * must only hand work to another thread. Poll from any thread.
 */
public final class Watcher implements AutoCloseable {

  private final ChangeHistory history;
  private final String key;
  private final String prefix;
  private final Runnable wakeup;

  // Guarded by the history's lock.
  WatchPosition position;
  long nextSeq;
  WatchClosed closed;
  boolean stalled;

  Watcher(ChangeHistory history, String key, String prefix, WatchPosition position, Runnable wakeup) {
    this.history = history;
    this.key = key;
    this.prefix = prefix;
    this.position = position;
    this.wakeup = wakeup;
  }

  /** Whether this watcher wants {@code change}. */
  boolean matches(KvChange change) {
    return key != null ? key.equals(change.key()) : change.key().startsWith(prefix);
  }

  void wake() {
    wakeup.run();
  }

  /**
   * Up to {@code max} changes past this watcher's position, in log order, and its new position. Never
   * blocks; an empty batch means nothing new (yet).
   */
  public WatchBatch poll(int max) {
    return history.poll(this, max);
  }

  /**
   * Tells the history whether this watcher's consumer is keeping up. A stalled watcher (its consumer
   * stopped reading, e.g. a full socket) is closed as {@link WatchClosed#SLOW_CONSUMER} once it falls
   * too far behind; one that is not stalled is never closed for lagging, only if the history drops
   * changes it has not seen.
   */
  public void stalled(boolean stalled) {
    history.stalled(this, stalled);
  }

  /** Stops this watcher; it is forgotten by the history. Idempotent. */
  @Override
  public void close() {
    history.close(this, WatchClosed.CLOSED);
  }

  @Override
  public String toString() {
    return "Watcher[" + (key != null ? "key " + key : "prefix '" + prefix + "'") + "]";
  }
}
