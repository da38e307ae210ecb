package io.bellwether.bench.load;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The leader as last looked up. Workers read {@link #current()} before each request; when an answer
 * suggests the leader moved they call {@link #invalidate()}, which starts one look-up (never two at
 * once, and at most one per {@code minInterval}) while workers keep using the old address, so a
 * leader change costs some errors, counted, and never stalls the run.
 */
final class LeaderTracker {

  private final Protocol protocol;
  private final HttpClient client;
  private final List<Endpoint> endpoints;
  private final Duration timeout;
  private final long minIntervalNanos;
  private final AtomicBoolean resolving = new AtomicBoolean();
  private final AtomicInteger lookups = new AtomicInteger();
  private final AtomicInteger changes = new AtomicInteger();
  private volatile Endpoint leader;
  private volatile long lastStart = System.nanoTime() - TimeUnit.DAYS.toNanos(1);

  LeaderTracker(Protocol protocol, HttpClient client, List<Endpoint> endpoints, Duration timeout, Duration minInterval) {
    this.protocol = protocol;
    this.client = client;
    this.endpoints = endpoints;
    this.timeout = timeout;
    this.minIntervalNanos = minInterval.toNanos();
  }

  /** The leader as last found; null before the first successful look-up. */
  Endpoint current() {
    return leader;
  }

  /** Looks the leader up now and remembers it. */
  Future<Endpoint> resolve() {
    lastStart = System.nanoTime();
    lookups.incrementAndGet();
    return protocol.findLeader(client, endpoints, timeout).onSuccess(this::set);
  }

  /** Asks for a new look-up unless one is running or one started less than minInterval ago. */
  void invalidate() {
    if (System.nanoTime() - lastStart < minIntervalNanos) return;
    if (!resolving.compareAndSet(false, true)) return;
    resolve().onComplete(ar -> resolving.set(false));
  }

  private void set(Endpoint found) {
    Endpoint old = leader;
    if (old != null && !old.equals(found)) changes.incrementAndGet();
    leader = found;
  }

  /** How many times a look-up found a different leader than the one before. */
  int changes() {
    return changes.get();
  }

  int lookups() {
    return lookups.get();
  }
}
