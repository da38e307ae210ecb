package io.bellwether.bench.load;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The next key a fill writes, shared by every connection of the run: each index of {@code [from, to)}
 * is handed out exactly once, in order. Thread-safe (one atomic increment per key).
 */
final class FillCursor {

  private final AtomicInteger next;
  private final int to;

  FillCursor(int from, int to) {
    this.next = new AtomicInteger(from);
    this.to = to;
  }

  /** The next key index no caller has had yet, or -1 once all are handed out. */
  int next() {
    // getAndIncrement past `to` would wrap only after 2^31 calls beyond it; each worker stops at its first -1.
    int i = next.getAndIncrement();
    return i < to ? i : -1;
  }
}
