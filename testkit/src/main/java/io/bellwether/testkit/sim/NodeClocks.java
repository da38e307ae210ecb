package io.bellwether.testkit.sim;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The nodes' own clocks against simulated time: which nodes' clocks tick in the current global tick.
 * Unbounded clocks skip ticks at random (any drift at all); bounded ones tick at a rate within the
 * configured drift, exactly.
 */
final class NodeClocks {

  private final Clocks clocks;
  private final SplittableRandom scheduler;

  /** Nodes whose clock has yet to tick in the current tick. */
  private final List<String> toTick = new ArrayList<>();

  NodeClocks(Clocks clocks, SplittableRandom scheduler) {
    this.clocks = clocks;
    this.scheduler = scheduler;
  }

  /** With bounded clocks, a node's clock starts out of step (phase) and at its own rate within the bound. */
  void startOutOfStep(SimNode node, SplittableRandom clockSeeds) {
    if (!clocks.bounded()) return;
    node.clockRate = 1 + (clockSeeds.nextDouble() * 2 - 1) * clocks.maxDrift();
    node.clockPhase = clockSeeds.nextDouble();
  }

  /** A new global tick: decides which clocks tick in it (a node may tick 0, 1 or 2 times). */
  void advance(Collection<SimNode> nodes) {
    toTick.clear();
    for (SimNode node : nodes) {
      if (clocks.bounded()) {
        advanceBounded(node);
      } else if (node.isUp() && (node.clockRate >= 1 || scheduler.nextDouble() < node.clockRate)) {
        // A slow clock skips ticks at random; that is how a leader outlives its lease in its own
        // eyes. Over a few ticks that is any drift at all, which is why these runs read no lease.
        toTick.add(node.id);
      }
    }
  }

  /** Clock ticks still due in this global tick. */
  int dueCount() {
    return toTick.size();
  }

  /** Takes the {@code i}-th due clock tick: the id of the node whose clock ticks. */
  String take(int i) {
    return toTick.remove(i);
  }

  /** Sets a node's clock to tick in this fraction of the global ticks (1 = on time). */
  void setRate(SimNode node, double rate) {
    if (clocks.bounded() && Math.abs(rate - 1) > clocks.maxDrift() + 1e-9) {
      throw new IllegalArgumentException("clock rate " + rate + " is beyond the drift bound " + clocks);
    }
    node.clockRate = rate;
  }

  /**
   * A clock within the drift bound ticks exactly {@code rate} times per tick of simulated time,
   * carrying the fraction over (0, 1 or 2 ticks in one global tick), so that over <em>every</em>
   * interval, not just on average, its count of ticks is within one of {@code rate * interval}.
   * A paused node's clock goes on counting (the hardware clock does not stop with the process);
   * it learns how much when it resumes.
   */
  private void advanceBounded(SimNode node) {
    if (node.state() == SimNode.State.DOWN) return;
    node.clockPhase += node.clockRate;
    int ticks = (int) node.clockPhase;
    node.clockPhase -= ticks;
    if (node.isUp()) {
      for (int i = 0; i < ticks; i++) toTick.add(node.id);
    } else {
      node.owedTicks += ticks;
    }
  }
}
