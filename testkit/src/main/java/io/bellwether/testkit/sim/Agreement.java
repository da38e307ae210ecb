package io.bellwether.testkit.sim;

import io.bellwether.core.Membership;
import io.bellwether.core.engine.RaftEngine;
import java.util.Collection;

/**
 * What the nodes of a simulated cluster agree on: who leads, who the members are, how far all have
 * applied, convergence. Nodes that are no members (spares not yet added, members removed) need not
 * agree: they hear from no leader.
 */
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
   * The configuration a client or operator would learn: the leader's (of the highest term), else
   * {@code committed}, the newest known committed.
   */
  static Membership members(Collection<SimNode> nodes, Membership committed) {
    String leader = leader(nodes);
    if (leader == null) return committed;
    for (SimNode node : nodes) if (node.id.equals(leader)) return node.engine().membership();
    throw new AssertionError(leader);
  }

  /**
   * The leader every member of its configuration is up and agrees on, in one term, and that is not
   * handing its leadership over (it takes no writes meanwhile); null while there is none.
   */
  static String agreedLeader(Collection<SimNode> nodes) {
    String leader = leader(nodes);
    if (leader == null) return null;
    long term = -1;
    Membership members = null;
    for (SimNode node : nodes) {
      if (!node.id.equals(leader)) continue;
      if (node.engine().transferee() != null) return null;
      term = node.engine().term();
      members = node.engine().membership();
    }
    for (SimNode node : nodes) {
      if (!node.id.equals(leader) && !members.contains(node.id)) continue;
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

  /** One line per node, for reports. */
  static String describe(Collection<SimNode> nodes) {
    StringBuilder b = new StringBuilder();
    for (SimNode node : nodes) b.append("  ").append(node).append('\n');
    return b.toString();
  }
}
