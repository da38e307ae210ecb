package io.bellwether.core.watch;

import io.bellwether.core.kv.KvChange;
import io.bellwether.core.kv.KvLimits;
import io.bellwether.core.kv.KvStateListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The recent changes this node applied, kept so that watchers can start from, and resume at, a
 * position in the past: the bounded history that makes watches resumable. It follows the state
 * machine as a {@link KvStateListener}; it is not part of the replicated state (each node keeps its
 * own, from its last snapshot on), so it costs nothing on the log or in snapshots.
 *
 * <p><b>What a watcher is promised.</b> Every change at or after its position, in log order, each
 * once; or an explicit end ({@link WatchClosed}). Never a gap: changes are dropped from the history
 * only from its old end, and a watcher that has not seen a dropped change it wants is closed, not
 * moved past it. A snapshot installed from the leader replaces the state without the changes that
 * led to it, so the history starts again after it and watchers behind it are closed as {@link
 * WatchClosed#COMPACTED}.
 *
 * <p><b>Bounds.</b> At most {@code maxChanges} changes and about {@code maxBytes} of keys and values;
 * a stalled watcher more than {@code maxStalledLag} changes behind is closed as {@link
 * WatchClosed#SLOW_CONSUMER}. Watchers hold no changes of their own.
 *
 * <p><b>Threading.</b> Thread-safe: the node thread appends, watchers' owners poll from theirs; one
 * lock, never held while waking a watcher.
 */
public final class ChangeHistory implements KvStateListener {

  private record Slot(long seq, long index, int ordinal, boolean last, KvChange change,
      WatchEvent.SharedEncoding encoding) {}

  /** Polls scan at most this many changes, so one watcher cannot hold the lock for long. */
  private static final int MAX_SCAN_PER_POLL = 4096;

  private final int maxChanges;
  private final long maxBytes;
  private final long maxStalledLag;

  // Guarded by this.
  private Slot[] ring = new Slot[64];
  private int start;
  private long firstSeq;
  private long headSeq;
  private long bytes;
  /** The oldest entry whose changes are all still here. */
  private long firstIndex = 1;
  private long appliedIndex;
  private final List<Watcher> watchers = new ArrayList<>();

  private final AtomicLong droppedSlow = new AtomicLong();
  private final AtomicLong droppedCompacted = new AtomicLong();

  /**
   * @param maxChanges the most changes kept (>= 1)
   * @param maxBytes about the most bytes of keys and values kept (>= 1)
   * @param maxStalledLag how many changes a stalled watcher may fall behind before it is closed
   */
  public ChangeHistory(int maxChanges, long maxBytes, long maxStalledLag) {
    if (maxChanges < 1) throw new IllegalArgumentException("maxChanges must be >= 1: " + maxChanges);
    if (maxBytes < 1) throw new IllegalArgumentException("maxBytes must be >= 1: " + maxBytes);
    if (maxStalledLag < 1) throw new IllegalArgumentException("maxStalledLag must be >= 1: " + maxStalledLag);
    this.maxChanges = maxChanges;
    this.maxBytes = maxBytes;
    this.maxStalledLag = maxStalledLag;
  }

  /**
   * Starts a watch of one key ({@code key} non-null) or of every key under {@code prefix} ("" for
   * all), from {@code from}, or from the next entry applied when {@code from} is null.
   *
   * @param wakeup run (on the node thread) when changes it wants arrive or when it is closed
   * @throws WatchCompactedException if {@code from} is older than this history
   * @throws IllegalArgumentException for a bad key or prefix, or both or neither given
   */
  public Watcher watch(String key, String prefix, WatchPosition from, Runnable wakeup) {
    if ((key == null) == (prefix == null)) throw new IllegalArgumentException("give a key or a prefix, not both");
    if (key != null) KvLimits.checkKey(key);
    else KvLimits.checkPrefix(prefix);
    Objects.requireNonNull(wakeup, "wakeup");
    synchronized (this) {
      WatchPosition position = from != null ? from : WatchPosition.from(appliedIndex + 1);
      if (position.index() < firstIndex) throw new WatchCompactedException(position, firstIndex);
      Watcher w = new Watcher(this, key, prefix, position, wakeup);
      w.nextSeq = search(position);
      watchers.add(w);
      return w;
    }
  }

  @Override
  public void applied(long index, List<KvChange> changes) {
    List<Watcher> wake = null;
    synchronized (this) {
      appliedIndex = index;
      int n = changes.size();
      for (int i = 0; i < n; i++) {
        KvChange c = changes.get(i);
        append(new Slot(headSeq, index, i, i == n - 1, c, new WatchEvent.SharedEncoding()));
        headSeq++;
        bytes += c.weightBytes();
        while (headSeq - firstSeq > maxChanges || (bytes > maxBytes && headSeq - firstSeq > 1)) {
          wake = evictOldest(wake);
        }
      }
      if (n > 0) {
        for (Watcher w : watchers) {
          if (w.closed != null) continue;
          if (w.stalled && headSeq - w.nextSeq > maxStalledLag) {
            wake = closeLocked(w, WatchClosed.SLOW_CONSUMER, wake);
          } else if (wantsAny(w, changes)) {
            wake = add(wake, w);
          }
        }
      }
      if (wake != null) watchers.removeIf(w -> w.closed != null);
    }
    wakeAll(wake);
  }

  @Override
  public void restored(long index, Map<Long, Long> leases) {
    List<Watcher> wake = null;
    synchronized (this) {
      firstSeq = headSeq;
      start = 0;
      ring = new Slot[64];
      bytes = 0;
      firstIndex = index + 1;
      appliedIndex = index;
      for (Watcher w : watchers) {
        if (w.closed != null) continue;
        // Changes up to the snapshot's index are unknown here now: a watcher that still needs some of
        // them cannot be served without a gap.
        if (w.position.index() <= index) wake = closeLocked(w, WatchClosed.COMPACTED, wake);
        else w.nextSeq = headSeq;
      }
      watchers.removeIf(w -> w.closed != null);
    }
    wakeAll(wake);
  }

  synchronized WatchBatch poll(Watcher w, int max) {
    List<WatchEvent> events = new ArrayList<>();
    if (w.closed != null) return new WatchBatch(events, w.position, false, w.closed);
    int scanned = 0;
    while (w.nextSeq < headSeq && events.size() < max && scanned < MAX_SCAN_PER_POLL) {
      Slot s = slot(w.nextSeq);
      w.nextSeq++;
      scanned++;
      // A watcher that asked to start ahead of what was applied (inside an entry, or at a later
      // index) was placed at the head: skip what came before its position.
      if (before(s, w.position)) continue;
      w.position = after(s);
      if (w.matches(s.change())) events.add(new WatchEvent(s.index(), s.change(), w.position, s.encoding()));
    }
    boolean caughtUp = w.nextSeq == headSeq;
    if (caughtUp && w.position.index() <= appliedIndex) w.position = WatchPosition.from(appliedIndex + 1);
    return new WatchBatch(events, w.position, caughtUp, null);
  }

  synchronized void stalled(Watcher w, boolean stalled) {
    w.stalled = stalled;
  }

  void close(Watcher w, WatchClosed why) {
    synchronized (this) {
      if (w.closed == null) w.closed = why;
      watchers.remove(w);
    }
  }

  /** How many watchers are open. */
  public synchronized int watcherCount() {
    return watchers.size();
  }

  /** Watchers closed because they fell behind while their consumer was not reading. */
  public long droppedSlow() {
    return droppedSlow.get();
  }

  /** Watchers closed because a snapshot or the history's bound took changes they had not seen. */
  public long droppedCompacted() {
    return droppedCompacted.get();
  }

  /** The oldest index a watch can start at: an older {@code from} is refused. */
  public synchronized long oldestIndex() {
    return firstIndex;
  }

  /** The last entry applied that this history heard of. */
  public synchronized long appliedIndex() {
    return appliedIndex;
  }

  /** How many changes are kept now. */
  public synchronized int size() {
    return (int) (headSeq - firstSeq);
  }

  private List<Watcher> evictOldest(List<Watcher> wake) {
    Slot s = slot(firstSeq);
    for (Watcher w : watchers) {
      if (w.closed != null || w.nextSeq != s.seq()) continue;
      // It has not seen this change. If it wants it, it falls behind the history: close it now,
      // at a position it can still resume from elsewhere. If not, it loses nothing: move it past.
      if (before(s, w.position)) {
        w.nextSeq++;
      } else if (w.matches(s.change())) {
        wake = closeLocked(w, WatchClosed.SLOW_CONSUMER, wake);
      } else {
        w.nextSeq++;
        w.position = after(s);
      }
    }
    ring[start] = null;
    start = (start + 1) & (ring.length - 1);
    firstSeq++;
    bytes -= s.change().weightBytes();
    firstIndex = Math.max(firstIndex, s.index() + 1);
    return wake;
  }

  private List<Watcher> closeLocked(Watcher w, WatchClosed why, List<Watcher> wake) {
    // Removed from the list by the caller, after its loop over the list.
    w.closed = why;
    (why == WatchClosed.SLOW_CONSUMER ? droppedSlow : droppedCompacted).incrementAndGet();
    return add(wake, w);
  }

  private static List<Watcher> add(List<Watcher> wake, Watcher w) {
    List<Watcher> list = wake == null ? new ArrayList<>() : wake;
    list.add(w);
    return list;
  }

  private static void wakeAll(List<Watcher> wake) {
    if (wake != null) wake.forEach(Watcher::wake);
  }

  private static boolean wantsAny(Watcher w, List<KvChange> changes) {
    for (KvChange c : changes) if (w.matches(c)) return true;
    return false;
  }

  /** The position just after slot {@code s}. */
  private static WatchPosition after(Slot s) {
    return s.last() ? WatchPosition.from(s.index() + 1) : new WatchPosition(s.index(), s.ordinal() + 1);
  }

  /** Whether slot {@code s} comes before position {@code p}. */
  private static boolean before(Slot s, WatchPosition p) {
    return s.index() < p.index() || (s.index() == p.index() && s.ordinal() < p.skip());
  }

  /** The first kept change at or after {@code p}, or the head if none. */
  private long search(WatchPosition p) {
    long lo = firstSeq;
    long hi = headSeq;
    while (lo < hi) {
      long mid = (lo + hi) >>> 1;
      if (before(slot(mid), p)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private Slot slot(long seq) {
    return ring[(int) ((start + (seq - firstSeq)) & (ring.length - 1))];
  }

  private void append(Slot s) {
    int size = (int) (headSeq - firstSeq);
    if (size == ring.length) {
      Slot[] bigger = new Slot[ring.length * 2];
      for (int i = 0; i < size; i++) bigger[i] = ring[(start + i) & (ring.length - 1)];
      ring = bigger;
      start = 0;
    }
    ring[(start + size) & (ring.length - 1)] = s;
  }
}
