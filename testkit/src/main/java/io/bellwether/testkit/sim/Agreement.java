package io.bellwether.testkit.sim;

import io.bellwether.core.engine.RaftEngine;
import java.util.Collection;

/** What the nodes of a simulated cluster agree on: who leads, how far all have applied, convergence. */
final class Agreement {

  private Agreement() {}

  /** The node that is leader in the highest term, or null. */
  static String leader(Collection<SimNode> nodes) {
    String leader = null;
    long term = -1;
    for (SimNode node : nodes) {
      if (node.isLeader() && node.engine().term() > term) {
        leader = node.id;
        term = node.engine().term();
      }
    }
    return leader;
  }

  /**
   * The leader every node is up and agrees on, in one term, and that is not handing its leadership
   * over (it takes no writes meanwhile); null while there is none.
   */
  static String agreedLeader(Collection<SimNode> nodes) {
    String leader = leader(nodes);
    if (leader == null) return null;
    long term = -1;
    for (SimNode node : nodes) {
      if (!node.id.equals(leader)) continue;
      if (node.engine().transferee() != null) return null;
      term = node.engine().term();
    }
    for (SimNode node : nodes) {
      if (!node.isUp() || !leader.equals(node.engine().leaderId()) || node.engine().term() != term) {
        return null;
      }
    }
    return leader;
  }

  /** The lowest index applied by a running node (0 when none is running). */
  static long slowestApplied(Collection<SimNode> nodes) {
    long slowest = Long.MAX_VALUE;
    for (SimNode node : nodes) {
      if (node.isUp()) slowest = Math.min(slowest, node.driver().appliedIndex());
    }
    return slowest == Long.MAX_VALUE ? 0 : slowest;
  }

  /** Every node is up and holds the same log, all of it committed and applied. */
  static boolean converged(Collection<SimNode> nodes) {
    RaftEngine first = null;
    for (SimNode node : nodes) {
      if (!node.isUp()) return false;
      RaftEngine e = node.engine();
      long last = e.lastIndex();
      if (e.commitIndex() != last || node.driver().appliedIndex() != last) return false;
      if (first != null && (last != first.lastIndex() || e.termAt(last) != first.termAt(last))) {
        return false;
      }
      first = e;
    }
    return true;
  }

  /** How many nodes are in {@code state}. */
  static int count(Collection<SimNode> nodes, SimNode.State state) {
    int n = 0;
    for (SimNode node : nodes) if (node.state() == state) n++;
    return n;
  }
}
