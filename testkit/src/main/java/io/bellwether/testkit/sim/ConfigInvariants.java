package io.bellwether.testkit.sim;

import io.bellwether.core.Membership;
import io.bellwether.core.engine.RaftEngine;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The safety of membership changes (thesis §4.1), checked after every step beside {@link
 * Invariants}, which already holds Election Safety over every node whatever its configuration, and
 * that committed entries, configurations among them, survive.
 *
 * <ul>
 *   <li><b>A configuration is in effect once in the log</b>: every running node uses the
 *       configuration of the newest configuration entry its log holds, else its snapshot's, else its
 *       bootstrap one. The log's side is read off the store ({@link SimLogStore#newestConfig}), as
 *       entries were stored, not asked of the engine.
 *   <li><b>One change at a time</b>: no leader's log holds more than one configuration entry that
 *       is not known committed.
 *   <li><b>No two disjoint majorities</b>, in two forms. When a node is first seen leading term t,
 *       its voters differ by at most one from those of the newest configuration committed before t:
 *       Leader Completeness puts that configuration in its log, and a correct leader changes one
 *       voter only after committing the previous change. And whenever two nodes lead, in terms t1 <
 *       t2, a majority of the older one's voters must no longer sit at term t1 or below: the newer
 *       leader's election moved a majority of its voters past t1, and one-voter steps make every
 *       majority of one configuration meet every majority of the next. The literal form, "the two
 *       leaders' configurations are each within one voter of some common configuration", is not a
 *       property of a correct Raft: a leader paused while its successors commit two changes still
 *       believes it leads, two changes behind, although it can no longer decide anything; so it
 *       is the ability to decide that is checked.
 * </ul>
 */
final class ConfigInvariants {

  private final Invariants invariants;

  /** The configurations known committed, by the index of the entry that set them (0: bootstrap). */
  private final TreeMap<Long, Membership> committed = new TreeMap<>();

  private final Set<Long> electionsChecked = new HashSet<>();

  /** Committed indexes already searched for configuration entries. */
  private long scannedTo;

  /** Whether the engine's configuration is held against its log's; off only to test the rest. */
  private boolean checkInEffect = true;

  ConfigInvariants(Invariants invariants, Membership founders) {
    this.invariants = invariants;
    committed.put(0L, founders);
  }

  /**
   * Stops holding each node's configuration against its log's, so that a test can show what the
   * other checks see of a node that uses another configuration than its log says.
   */
  void skipInEffectCheck() {
    checkInEffect = false;
  }

  /** The newest configuration known committed. */
  Membership newestCommitted() {
    return committed.lastEntry().getValue();
  }

  void check(Collection<SimNode> nodes) {
    learnCommitted(nodes);
    List<SimNode> leaders = new ArrayList<>();
    for (SimNode node : nodes) {
      if (node.state() == SimNode.State.DOWN) continue;
      if (checkInEffect) checkConfigIsNewestInLog(node);
      if (!node.isLeader()) continue;
      leaders.add(node);
      checkOneChangeInFlight(node);
      if (electionsChecked.add(node.engine().term())) checkElectedWithinOneChange(node);
    }
    if (leaders.size() > 1) checkNoDisjointMajorities(leaders, nodes);
  }

  /**
   * Finds the configuration entries among the indexes newly known committed, in every node's store
   * (in the step an index is first known committed, the node that committed or learned it holds
   * it): an entry counts when its log prefix is the committed one. A snapshot a log started from
   * carries the configuration in effect there.
   */
  private void learnCommitted(Collection<SimNode> nodes) {
    long from = scannedTo + 1;
    long upTo = invariants.committedCount();
    if (from > upTo) return;
    scannedTo = upTo;
    for (SimNode node : nodes) {
      SimLogStore store = node.store();
      for (Map.Entry<Long, Membership> e : store.configsFrom(from).entrySet()) {
        long i = e.getKey();
        if (i > upTo) break;
        if (store.prefixHash(i) == invariants.committedPrefixHash(i)) committed.put(i, e.getValue());
      }
      Membership snapshot = store.snapshotConfig();
      long at = store.knownFrom();
      if (snapshot != null && at >= from && at <= upTo
          && store.snapshot().get().lastIndex() == at
          && store.prefixHash(at) == invariants.committedPrefixHash(at)) {
        committed.put(snapshot.index(), snapshot);
      }
    }
  }

  private static void checkConfigIsNewestInLog(SimNode node) {
    Membership used = node.engine().membership();
    Membership inLog = node.configInLog();
    if (!used.equals(inLog)) {
      throw new SimFailure("Configuration not in effect on append: " + node.id + " uses " + used
          + " but the newest configuration its log holds is " + inLog);
    }
  }

  private void checkOneChangeInFlight(SimNode leader) {
    RaftEngine e = leader.engine();
    SimLogStore store = leader.store();
    List<Long> uncommitted = new ArrayList<>();
    for (long i : store.configsFrom(e.commitIndex() + 1).keySet()) {
      boolean known = i <= invariants.committedCount()
          && store.prefixHash(i) == invariants.committedPrefixHash(i);
      if (!known) uncommitted.add(i);
    }
    if (uncommitted.size() > 1) {
      throw new SimFailure("Two configuration changes in flight: " + leader.id + ", leader of term "
          + e.term() + ", holds configuration entries at " + uncommitted + " that are not committed"
          + " (commit index " + e.commitIndex() + ", newest " + e.membership() + ")");
    }
  }

  private void checkElectedWithinOneChange(SimNode leader) {
    long term = leader.engine().term();
    Membership before = newestCommittedBefore(term);
    Membership elected = leader.engine().membership();
    int apart = votersApart(before, elected);
    if (apart > 1) {
      throw new SimFailure("Disjoint majorities possible: " + leader.id + " leads term " + term
          + " with voters " + elected.voters() + " (" + elected + "), " + apart + " voters away from "
          + before.voters() + ", the newest configuration committed before term " + term + " ("
          + before + ")");
    }
  }

  /** The newest configuration committed by a term before {@code term} (the bootstrap at worst). */
  private Membership newestCommittedBefore(long term) {
    for (Map.Entry<Long, Membership> e : committed.descendingMap().entrySet()) {
      if (e.getKey() == 0 || invariants.commitTermAt(e.getKey()) < term) return e.getValue();
    }
    throw new AssertionError("the bootstrap configuration is always there");
  }

  private static void checkNoDisjointMajorities(List<SimNode> leaders, Collection<SimNode> nodes) {
    Map<String, SimNode> byId = new HashMap<>();
    for (SimNode n : nodes) byId.put(n.id, n);
    leaders.sort(Comparator.comparingLong(n -> n.engine().term()));
    SimNode newest = leaders.get(leaders.size() - 1);
    for (SimNode old : leaders.subList(0, leaders.size() - 1)) {
      long term = old.engine().term();
      List<String> voters = old.engine().membership().voters();
      Set<String> stillThere = new TreeSet<>();
      for (String v : voters) {
        SimNode n = byId.get(v);
        if (n != null && n.term() <= term) stillThere.add(v);
      }
      if (stillThere.size() >= voters.size() / 2 + 1) {
        throw new SimFailure("Two disjoint majorities: " + old.id + " leads term " + term
            + " and its voters " + stillThere + ", a majority of " + voters + ", are still at term "
            + term + " or below, while " + newest.id + " leads term " + newest.engine().term()
            + " with voters " + newest.engine().membership().voters());
      }
    }
  }

  /** How many voters are in one configuration and not the other. */
  static int votersApart(Membership a, Membership b) {
    Set<String> only = new HashSet<>(a.voters());
    only.removeAll(b.voters());
    int apart = only.size();
    for (String v : b.voters()) if (!a.isVoter(v)) apart++;
    return apart;
  }
}
