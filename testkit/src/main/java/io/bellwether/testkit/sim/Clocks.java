package io.bellwether.testkit.sim;

/**
 * How the nodes' clocks may misbehave in a run, and so whether the clients may read under the
 * leader's lease.
 *
 * <p>A lease is only as safe as the assumption on clock drift it rests on (see {@code LeaderLease}
 * and docs/ARCHITECTURE.md): clocks run at rates within 20% of each other, the slowest at least 0.8
 * times the fastest. {@link #UNBOUNDED} runs break that on purpose (CLOCK_SKEW and ZOMBIE_LEADER
 * slow a clock to 20-80%, a paused node's clock stops), which tests everything that must not depend
 * on clocks, so their clients never ask for lease reads. {@link #withinDriftBound} runs keep every clock
 * within the bound, at all times, pauses included, and their clients do ask for lease reads.
 *
 * @param maxDrift in bounded runs each node's clock runs at a rate in {@code [1 - maxDrift, 1 +
 *     maxDrift]} of simulated time (so the slowest over the fastest is at least {@code (1 - d) / (1 +
 *     d)}); infinite in unbounded runs
 * @param resumeFeedsTime a node resumed after a pause is first given the ticks its clock counted
 *     while it was frozen, before anything else, as {@code RaftNode} does. Only a test that shows
 *     what a runtime forgetting this would do switches it off.
 */
public record Clocks(double maxDrift, boolean resumeFeedsTime) {

  /**
   * The documented bound, slowest / fastest >= 0.8, as a drift either side of the true rate: (1 -
   * d) / (1 + d) >= 0.8 for d <= 1/9. Slightly inside it, so rounding never crosses it.
   */
  public static final double DOCUMENTED_MAX_DRIFT = 0.11;

  /** The sweep's original clocks: skews far beyond the bound, pauses that stop the clock. */
  public static final Clocks UNBOUNDED = new Clocks(Double.POSITIVE_INFINITY, false);

  /** Every clock within the documented drift bound; lease reads on. */
  public static Clocks withinDriftBound() {
    return new Clocks(DOCUMENTED_MAX_DRIFT, true);
  }

  public Clocks {
    if (!(maxDrift >= 0)) throw new IllegalArgumentException("maxDrift: " + maxDrift);
    if (maxDrift < 1 && maxDrift > DOCUMENTED_MAX_DRIFT) {
      // Beyond the bound a lease is legitimately unsafe; a failure there would prove nothing.
      throw new IllegalArgumentException("drift " + maxDrift + " is beyond the documented bound "
          + DOCUMENTED_MAX_DRIFT + "; use UNBOUNDED (no lease reads) instead");
    }
  }

  /** Whether every clock stays within the drift bound, so lease reads may be issued. */
  public boolean bounded() {
    return maxDrift < 1;
  }

  /** The same, but resuming a paused node without feeding it the time that passed. */
  public Clocks withoutTimeOnResume() {
    return new Clocks(maxDrift, false);
  }

  @Override
  public String toString() {
    return bounded()
        ? "bounded(drift=" + maxDrift + (resumeFeedsTime ? "" : ", resume WITHOUT feeding time") + ")"
        : "unbounded";
  }
}
