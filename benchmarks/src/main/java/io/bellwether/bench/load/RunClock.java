package io.bellwether.bench.load;

/**
 * The run's instants in {@link System#nanoTime()} terms. Operations whose (intended) start is before
 * {@code measureFrom} are warm-up and left out of the figures; no operation starts at or after
 * {@link #end()}, which a failover trial moves once it has seen what it waits for.
 */
final class RunClock {

  final long start;
  final long measureFrom;
  private volatile long end;

  RunClock(long start, long measureFrom, long end) {
    this.start = start;
    this.measureFrom = measureFrom;
    this.end = end;
  }

  long end() {
    return end;
  }

  /** Ends the run now (workers finish the request they have in flight and stop). */
  void stopNow() {
    end = Math.min(end, System.nanoTime());
  }
}
