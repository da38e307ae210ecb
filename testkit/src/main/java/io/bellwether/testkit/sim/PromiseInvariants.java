package io.bellwether.testkit.sim;

import io.bellwether.core.HardState;
import io.bellwether.core.engine.RaftEngine;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The promises Raft nodes make to each other, checked after every step where they are made good or
 * relied on, rather than waiting for a broken promise to show up as a wrong answer much later.
 *
 * <ul>
 *   <li><b>Votes are durable</b>: when a node is first seen leading term t, a majority of disks (what
 *       a crash now would keep) hold a vote for it in t, or a later term. A runtime that sends its
 *       vote before the sync that records it fails this as soon as a crash hits that sync.
 *   <li><b>Commits are durable</b>: when an index is first seen committed, a majority of disks hold
 *       its entry (or a snapshot covering it). A runtime that acknowledges entries before syncing
 *       them fails this the same way.
 *   <li><b>Leases hold</b> (runs whose clocks stay within the drift bound): while a running leader
 *       would answer a lease read at once, no node leads a later term. A follower that acknowledged
 *       the lease's heartbeat round must not vote before the lease ran out, whatever else happened to
 *       it meanwhile; an election inside the lease is the stale read waiting to happen.
 * </ul>
 *
 * <p>The vote promise itself (no grant within an election timeout of hearing a leader) is checked
 * as each grant leaves its node, by {@link SimNode}.
 */
final class PromiseInvariants {

  private final boolean checkLeases;
  private final Set<Long> termsChecked = new HashSet<>();
  private long commitChecked;

  PromiseInvariants(boolean checkLeases) {
    this.checkLeases = checkLeases;
  }

  void check(List<SimNode> nodes) {
    for (SimNode node : nodes) {
      if (node.state() == SimNode.State.DOWN) continue;
      RaftEngine e = node.engine();
      if (node.isLeader() && termsChecked.add(e.term())) checkVotesDurable(nodes, node, e.term());
      if (e.commitIndex() > commitChecked) checkCommitsDurable(nodes, node, e.commitIndex());
      if (checkLeases && node.isUp() && e.servesLeaseReads()) checkLease(nodes, node, e.term());
    }
  }

  /** A majority of the voters the leader was elected by: those of its configuration now. */
  private static void checkVotesDurable(List<SimNode> nodes, SimNode leader, long term) {
    List<String> voters = leader.engine().membership().voters();
    List<String> holding = new ArrayList<>();
    for (SimNode n : nodes) {
      HardState hs = n.store().durableHardState();
      boolean voted = hs.term() > term || (hs.term() == term && leader.id.equals(hs.votedFor()));
      if (voted && voters.contains(n.id)) holding.add(n.id);
    }
    if (holding.size() < majority(voters)) {
      throw new SimFailure("Vote durability violated: " + leader.id + " leads term " + term
          + " but only " + holding + " of its voters " + voters
          + " hold a vote for it (or a later term) on disk");
    }
  }

  /**
   * A majority of the voters that decided the commit: a leader's configuration now (it counts its
   * newest one, committed or not). A follower seen first (its leader died in the step it
   * committed) knows the configuration at the index or its newest; either one will do.
   */
  private void checkCommitsDurable(List<SimNode> nodes, SimNode seenOn, long commit) {
    SimLogStore store = seenOn.store();
    RaftEngine e = seenOn.engine();
    for (long i = Math.max(commitChecked + 1, Math.max(1, store.knownFrom())); i <= commit; i++) {
      long term = store.termOf(i);
      List<String> holding = new ArrayList<>();
      for (SimNode n : nodes) if (n.store().durablyHolds(i, term)) holding.add(n.id);
      List<String> voters = e.membership().voters();
      boolean durable = holdsMajority(holding, voters)
          || (!seenOn.isLeader() && holdsMajority(holding, e.membershipAt(i).voters()));
      if (!durable) {
        throw new SimFailure("Commit durability violated: " + seenOn.id + " counts index " + i
            + " (term " + term + ") committed but only " + holding + " hold it on disk (voters "
            + voters + ")");
      }
    }
    commitChecked = commit;
  }

  private static boolean holdsMajority(List<String> holding, List<String> voters) {
    int n = 0;
    for (String v : voters) if (holding.contains(v)) n++;
    return n >= majority(voters);
  }

  private static int majority(List<String> voters) {
    return voters.size() / 2 + 1;
  }

  private static void checkLease(List<SimNode> nodes, SimNode holder, long term) {
    for (SimNode n : nodes) {
      if (n == holder || n.state() == SimNode.State.DOWN || !n.isLeader()) continue;
      if (n.engine().term() > term) {
        throw new SimFailure("Lease violated: " + holder.id + " (leader of term " + term
            + ") would serve lease reads at once while " + n.id + " leads term " + n.engine().term());
      }
    }
  }
}
