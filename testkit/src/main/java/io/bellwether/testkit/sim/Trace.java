package io.bellwether.testkit.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * What the simulation did, step by step, folded into one hash (two runs of a seed must give the same
 * hash: that is the determinism test), plus the last steps in full for a failure report.
 */
final class Trace {

  private static final int RECENT_STEPS_MAX = 40;

  private record Step(long tick, String what, Object detail) {
    @Override
    public String toString() {
      return "t=" + tick + " " + what + (detail == null ? "" : " " + detail);
    }
  }

  private final Step[] recent = new Step[RECENT_STEPS_MAX];
  private long count;
  private long hash = 17;

  /** Records one step; {@code detail} (a message, say) must have a deterministic toString. */
  void record(long tick, String what, Object detail) {
    recent[(int) (count++ % RECENT_STEPS_MAX)] = new Step(tick, what, detail);
    hash = hash * 1_000_003 + tick;
    hash = hash * 1_000_003 + what.hashCode();
    // toString, not hashCode: enum and identity hash codes differ between JVMs, strings do not.
    if (detail != null) hash = hash * 1_000_003 + detail.toString().hashCode();
  }

  long hash() {
    return hash;
  }

  long count() {
    return count;
  }

  /** The last steps, oldest first. */
  List<String> recent() {
    List<String> out = new ArrayList<>();
    long from = Math.max(0, count - RECENT_STEPS_MAX);
    for (long i = from; i < count; i++) out.add(recent[(int) (i % RECENT_STEPS_MAX)].toString());
    return out;
  }
}
