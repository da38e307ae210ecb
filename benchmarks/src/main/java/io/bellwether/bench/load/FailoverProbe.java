package io.bellwether.bench.load;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Watches every completed write of a failover trial: the last success before the kill, and the
 * first success of a write that was <b>sent</b> after the kill (a write in flight at the kill does
 * not count: the old leader may have committed it before dying).
 */
final class FailoverProbe implements OpListener {

  private final CountDownLatch firstAfterKill = new CountDownLatch(1);
  private long killNanos = Long.MAX_VALUE;
  private long lastSuccessBeforeKill = Long.MIN_VALUE;
  private long firstSuccessAfterKill = Long.MAX_VALUE;
  private Endpoint firstVia;
  private long successesBeforeKill;
  private long successesAfterKill;

  @Override
  public synchronized void completed(boolean read, long sentNanos, long doneNanos, Endpoint endpoint, Outcome outcome) {
    if (!outcome.success()) return;
    if (sentNanos > killNanos) {
      successesAfterKill++;
      if (doneNanos < firstSuccessAfterKill) {
        firstSuccessAfterKill = doneNanos;
        firstVia = endpoint;
      }
      firstAfterKill.countDown();
    } else if (doneNanos <= killNanos) {
      successesBeforeKill++;
      lastSuccessBeforeKill = Math.max(lastSuccessBeforeKill, doneNanos);
    }
  }

  /** Marks the kill: from now on, writes sent are "after the kill". */
  synchronized void killed(long nanos) {
    killNanos = nanos;
  }

  boolean awaitFirstAfterKill(long timeoutNanos) throws InterruptedException {
    return firstAfterKill.await(timeoutNanos, TimeUnit.NANOSECONDS);
  }

  synchronized long successesBeforeKill() {
    return successesBeforeKill;
  }

  synchronized long successesAfterKill() {
    return successesAfterKill;
  }

  /** Nanos from the kill to the first success sent after it, or -1. */
  synchronized long firstAfterKillNanos() {
    return firstSuccessAfterKill == Long.MAX_VALUE ? -1 : firstSuccessAfterKill - killNanos;
  }

  synchronized Endpoint firstVia() {
    return firstVia;
  }

  /** Nanos from the last success before the kill to the first success sent after it, or -1. */
  synchronized long gapNanos() {
    if (firstSuccessAfterKill == Long.MAX_VALUE || lastSuccessBeforeKill == Long.MIN_VALUE) return -1;
    return firstSuccessAfterKill - lastSuccessBeforeKill;
  }
}
