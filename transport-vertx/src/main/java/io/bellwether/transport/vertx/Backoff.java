package io.bellwether.transport.vertx;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Capped exponential back-off with jitter: attempt 1 waits about {@code min}, each further attempt
 * twice as long, never more than {@code max}. The wait is drawn from [half, all] of that value, so
 * nodes that lost a peer at the same moment do not all knock on it at the same moment.
 */
record Backoff(Duration min, Duration max) {

  /** Milliseconds to wait before attempt number {@code attempt} (1 for the first retry). */
  long delayMs(int attempt) {
    long minMs = Math.max(1, min.toMillis());
    long maxMs = Math.max(minMs, max.toMillis());
    int doublings = Math.min(Math.max(attempt - 1, 0), 30);
    long ceilingMs = Math.min(maxMs, minMs << doublings);
    long floorMs = Math.max(1, ceilingMs / 2);
    return floorMs + ThreadLocalRandom.current().nextLong(ceilingMs - floorMs + 1);
  }
}
