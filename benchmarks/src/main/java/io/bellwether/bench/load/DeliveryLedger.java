package io.bellwether.bench.load;

import java.util.Arrays;
import java.util.BitSet;
import org.HdrHistogram.Histogram;

/**
 * What a watch run wrote and what each watcher received, by log index, and the figures drawn from
 * them: per watcher the acknowledged writes it missed, the events it got twice or out of log order,
 * and those of no acknowledged write; the delivery delay of every (watcher, event) pair, from the
 * write's acknowledgement to the event's arrival; and how long after the last acknowledgement the
 * slowest watcher had everything.
 *
 * <p>Memory is per log index, not per pair: for each index since {@code base} its acknowledgement
 * time, the latest arrival at any watcher and how many watchers got it before its acknowledgement
 * was known; per watcher one bit per index. Thread-safe (every method locks the ledger): writers
 * and watchers report from their own event loops.
 */
final class DeliveryLedger {

  /** The figures, once the run is over. */
  record Summary(long ackedWrites, long ackedInWindow, long deliveredInWindow, long[] received, long[] missing,
      long[] duplicates, long[] outOfOrder, long[] unexpected, long beforeAck, Histogram delaysMicros,
      long lastAckNanos, long lastNeededArrivalNanos) {

    long totalMissing() {
      return Arrays.stream(missing).sum();
    }

    long totalDuplicates() {
      return Arrays.stream(duplicates).sum();
    }

    long totalOutOfOrder() {
      return Arrays.stream(outOfOrder).sum();
    }

    long totalUnexpected() {
      return Arrays.stream(unexpected).sum();
    }

    /** Watchers that got every acknowledged write exactly once, in order. */
    int completeWatchers() {
      int n = 0;
      for (int w = 0; w < missing.length; w++) {
        if (missing[w] == 0 && duplicates[w] == 0 && outOfOrder[w] == 0) n++;
      }
      return n;
    }

    /**
     * Milliseconds from the last acknowledgement to the arrival of the last acknowledged write's
     * event at the slowest watcher (0 when every event had arrived by then); -1 when some watcher
     * never got all of them.
     */
    double catchUpMs() {
      if (totalMissing() > 0) return -1;
      if (ackedWrites == 0) return 0;
      return Math.max(0, lastNeededArrivalNanos - lastAckNanos) / 1e6;
    }
  }

  private final long base;
  private final int watchers;
  private final BitSet[] got;
  private final long[] lastIndex;
  private final long[] received;
  private final long[] duplicates;
  private final long[] outOfOrder;
  /** Per index - base: acknowledgement time (0: not acknowledged). */
  private long[] ackNanos = new long[1024];
  /** Per index - base: the latest arrival at any watcher (0: none). */
  private long[] lastArrival = new long[1024];
  /** Per index - base: arrivals before the acknowledgement was known to the ledger. */
  private int[] early = new int[1024];
  private final Histogram delays = WorkerStats.newHistogram();
  private long windowFrom = Long.MAX_VALUE;
  private long maxAcked;
  private long ackedWrites;

  /**
   * @param watchers how many watchers report
   * @param base     the lowest log index an acknowledged write or event can have (the watchers'
   *                 earliest start position + 1): indexes below it are not accounted
   */
  DeliveryLedger(int watchers, long base) {
    if (watchers < 1) throw new IllegalArgumentException("--watchers must be at least 1");
    this.base = base;
    this.watchers = watchers;
    this.got = new BitSet[watchers];
    for (int i = 0; i < watchers; i++) got[i] = new BitSet();
    this.lastIndex = new long[watchers];
    this.received = new long[watchers];
    this.duplicates = new long[watchers];
    this.outOfOrder = new long[watchers];
  }

  /** Writes acknowledged at or after {@code nanos} are the measured ones (delays, window counts). */
  synchronized void windowFrom(long nanos) {
    windowFrom = nanos;
  }

  /** A write was acknowledged at {@code nanos} ({@link System#nanoTime()}) with log index {@code index}. */
  synchronized void acked(long index, long nanos) {
    int i = slot(index);
    if (i < 0 || ackNanos[i] != 0) return;
    ackNanos[i] = nanos;
    ackedWrites++;
    maxAcked = Math.max(maxAcked, index);
  }

  /** Watcher {@code watcher} received the event of log index {@code index} at {@code nanos}. */
  synchronized void arrived(int watcher, long index, long nanos) {
    received[watcher]++;
    if (index <= lastIndex[watcher]) {
      if (index >= base && got[watcher].get((int) (index - base))) duplicates[watcher]++;
      else outOfOrder[watcher]++;
      return;
    }
    lastIndex[watcher] = index;
    int i = slot(index);
    if (i < 0) return;
    got[watcher].set(i);
    lastArrival[i] = Math.max(lastArrival[i], nanos);
    long ack = ackNanos[i];
    if (ack == 0) {
      early[i]++;
    } else if (ack >= windowFrom) {
      if (nanos < ack) early[i]++; // counted with the others that beat their acknowledgement
      else delays.recordValue(Math.min((nanos - ack) / 1_000, delays.getHighestTrackableValue()));
    }
  }

  /** Whether every watcher not in {@code ended} has received events up to the highest acknowledged index. */
  synchronized boolean caughtUp(boolean[] ended) {
    for (int w = 0; w < watchers; w++) {
      if (!ended[w] && lastIndex[w] < maxAcked) return false;
    }
    return true;
  }

  synchronized long maxAcked() {
    return maxAcked;
  }

  /** The figures; call once the watchers have stopped. */
  synchronized Summary summary() {
    long[] missing = new long[watchers];
    long[] unexpected = new long[watchers];
    long ackedInWindow = 0;
    long delivered = 0;
    long beforeAck = 0;
    long lastAck = 0;
    long lastNeeded = 0;
    Histogram h = delays.copy();
    int top = maxSlot();
    for (int i = 0; i <= top; i++) {
      boolean acked = ackNanos[i] != 0;
      boolean inWindow = acked && ackNanos[i] >= windowFrom;
      if (acked) {
        lastAck = Math.max(lastAck, ackNanos[i]);
        lastNeeded = Math.max(lastNeeded, lastArrival[i]);
      }
      if (inWindow) {
        ackedInWindow++;
        if (early[i] > 0) {
          h.recordValueWithCount(0, early[i]);
          beforeAck += early[i];
        }
      }
      for (int w = 0; w < watchers; w++) {
        boolean has = got[w].get(i);
        if (acked && !has) missing[w]++;
        if (!acked && has) unexpected[w]++;
        if (inWindow && has) delivered++;
      }
    }
    return new Summary(ackedWrites, ackedInWindow, delivered, received.clone(), missing, duplicates.clone(),
        outOfOrder.clone(), unexpected, beforeAck, h, lastAck, lastNeeded);
  }

  private int maxSlot() {
    long top = maxAcked - base;
    for (BitSet b : got) top = Math.max(top, b.length() - 1);
    return (int) Math.min(top, ackNanos.length - 1);
  }

  /** The array slot of {@code index}, growing the arrays to hold it; -1 below {@code base} or absurdly far. */
  private int slot(long index) {
    long i = index - base;
    if (i < 0 || i >= Integer.MAX_VALUE / 2) return -1;
    if (i >= ackNanos.length) {
      int size = ackNanos.length;
      while (size <= i) size *= 2;
      ackNanos = Arrays.copyOf(ackNanos, size);
      lastArrival = Arrays.copyOf(lastArrival, size);
      early = Arrays.copyOf(early, size);
    }
    return (int) i;
  }
}
