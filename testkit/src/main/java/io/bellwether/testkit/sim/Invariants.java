package io.bellwether.testkit.sim;

import io.bellwether.core.LogEntry;
import io.bellwether.core.engine.RaftEngine;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Raft's safety properties (Figure 3 of the paper), checked by the cluster after every step, over
 * the whole run rather than at one instant, so a violation is caught the step it happens.
 *
 * <ul>
 *   <li><b>Election Safety</b>: at most one leader per term, ever.
 *   <li><b>Log Matching</b>: two logs that hold an entry with the same index and term hold the same
 *       entries up to it. Checked on every entry any node stores, against every entry any node ever
 *       stored, with prefix hashes ({@link SimLogStore}).
 *   <li><b>Leader Completeness</b>: an entry committed in term t is in the log of every leader of a
 *       term after t. Below a leader's snapshot its log is known only as the prefix hash at the
 *       snapshot's index, which covers every index under it, so the check is made there.
 *   <li><b>State Machine Safety</b>: no two nodes apply different commands at one index (checked as
 *       they apply, by {@link SimStateMachine}); and no two nodes ever see different entries
 *       committed at one index.
 *   <li>Per life of a node: the commit and applied indexes never go back, and the applied index never
 *       passes the commit index. (A restart starts both again from the node's snapshot: the engine
 *       does not trust a commit index read from disk, since a crash can keep it while losing the
 *       entries it covered.)
 * </ul>
 */
final class Invariants implements SimLogStore.Observer {

  private record IndexTerm(long index, long term) {}

  private record Stored(String node, long prefixHash) {}

  /** The entry that ends a stored log prefix, and the hash of the prefix before it. */
  private record Link(long index, long term, long previousHash) {}

  /** A committed index, with the lowest term of a node seen knowing it committed. */
  private static final class Committed {
    final long term;
    final long prefixHash;
    long commitTerm;

    Committed(long term, long prefixHash, long commitTerm) {
      this.term = term;
      this.prefixHash = prefixHash;
      this.commitTerm = commitTerm;
    }
  }

  private record Applied(String node, byte[] command) {}

  private final Map<Long, String> leaderOfTerm = new HashMap<>();
  private final Map<IndexTerm, Stored> storedPrefixes = new HashMap<>();

  /** Every log prefix any node stored, by its hash: how a snapshot's log is walked back. */
  private final Map<Long, Link> prefixes = new HashMap<>();

  /** committed.get(i - 1) is index i; committed indexes form a prefix of the log. */
  private final List<Committed> committed = new ArrayList<>();

  /** The command first applied at each index, by any node. */
  private final Map<Long, Applied> applied = new HashMap<>();

  // ---------------------------------------------------------------- as it happens

  /** Entries engines read back from their stores, for the run's summary. */
  private long entriesReadBack;

  @Override
  public void readBack(int count) {
    entriesReadBack += count;
  }

  long entriesReadBack() {
    return entriesReadBack;
  }

  /** Log Matching, as each entry is stored. */
  @Override
  public void stored(String node, LogEntry e, long previousHash, long prefixHash) {
    IndexTerm at = new IndexTerm(e.index(), e.term());
    Stored first = storedPrefixes.putIfAbsent(at, new Stored(node, prefixHash));
    if (first != null && first.prefixHash != prefixHash) {
      throw new SimFailure("Log Matching violated: " + node + " stored index " + e.index() + " term "
          + e.term() + " after a different log prefix than " + first.node + " did");
    }
    prefixes.putIfAbsent(prefixHash, new Link(e.index(), e.term(), previousHash));
  }

  /** A snapshot names its last entry by index and term: some node must have stored that entry. */
  @Override
  public long prefixHashOf(String node, long index, long term) {
    Stored s = storedPrefixes.get(new IndexTerm(index, term));
    if (s == null) {
      throw new SimFailure(node + " holds a snapshot up to index " + index + " term " + term
          + ", an entry no node ever stored");
    }
    return s.prefixHash;
  }

  /** State Machine Safety, as each command is applied. */
  void applied(String node, long index, byte[] command) {
    Applied first = applied.putIfAbsent(index, new Applied(node, command));
    if (first != null && !Arrays.equals(first.command, command)) {
      throw new SimFailure("State Machine Safety violated: " + node + " applied a different command"
          + " at index " + index + " than " + first.node + " did");
    }
  }

  // ---------------------------------------------------------------- after every step

  /** Everything that must hold after a step, for every node that is alive. */
  void check(Iterable<SimNode> nodes) {
    for (SimNode node : nodes) {
      if (node.state() == SimNode.State.DOWN) continue;
      RaftEngine engine = node.engine();
      checkOneLeaderPerTerm(node, engine);
      checkStoreMatchesEngine(node, engine);
      observeCommits(node, engine);
      observeApplied(node, engine);
      if (node.isLeader()) checkLeaderCompleteness(node, engine);
    }
  }

  private void checkOneLeaderPerTerm(SimNode node, RaftEngine engine) {
    if (!node.isLeader()) return;
    String other = leaderOfTerm.putIfAbsent(engine.term(), node.id);
    if (other != null && !other.equals(node.id)) {
      throw new SimFailure("Election Safety violated: two leaders in term " + engine.term() + ": "
          + other + " and " + node.id);
    }
  }

  /** After a flush the runtime has persisted everything the engine holds, no more, no less. */
  private static void checkStoreMatchesEngine(SimNode node, RaftEngine engine) {
    SimLogStore store = node.store();
    long last = engine.lastIndex();
    if (store.lastIndex() != last || store.termOf(last) != engine.termAt(last)) {
      throw new SimFailure(node.id + ": the engine's log ends at " + last + "@" + engine.termAt(last)
          + " but the store's at " + store.lastIndex() + " after a flush");
    }
  }

  private void observeCommits(SimNode node, RaftEngine engine) {
    long commit = engine.commitIndex();
    if (commit < node.observedCommit) {
      throw new SimFailure(node.id + ": commit index went back from " + node.observedCommit + " to "
          + commit);
    }
    SimLogStore store = node.store();
    if (store.knownFrom() > committed.size()) learnCommittedFromSnapshot(node, store, engine.term());
    if (commit == node.observedCommit) return;
    // Below a snapshot it installed the node knows no entries, only that they were committed.
    long from = Math.max(node.observedCommit + 1, store.knownFrom());
    for (long i = from; i <= commit; i++) {
      if (i > committed.size() + 1) {
        throw new SimFailure(node.id + " committed index " + i + " while only " + committed.size()
            + " are known committed anywhere");
      }
      Committed seen = new Committed(store.termOf(i), store.prefixHash(i), engine.term());
      if (i > committed.size()) {
        committed.add(seen);
      } else if (committed.get((int) i - 1).prefixHash != seen.prefixHash) {
        throw new SimFailure("State Machine Safety violated: " + node.id + " committed index " + i
            + " with term " + seen.term + ", but another entry (term "
            + committed.get((int) i - 1).term + ") was committed there before");
      }
    }
    committedBy(commit, engine.term());
    node.observedCommit = commit;
  }

  /**
   * Knowing index c committed in term t means everything up to c was committed by term t, so the
   * commit terms along the log never decrease.
   */
  private void committedBy(long index, long term) {
    for (long i = index; i >= 1 && committed.get((int) i - 1).commitTerm > term; i--) {
      committed.get((int) i - 1).commitTerm = term;
    }
  }

  /**
   * A snapshot holds only committed entries, so the index a node's log starts from is committed even
   * if this checker never saw the node's commit index get there: a node can commit, apply, snapshot
   * and die in one step (the sync after the snapshot crashes, and the crash keeps the snapshot), and
   * its next life starts at the snapshot with nothing left to observe. The indexes between the last
   * one known committed and the snapshot's are learned by walking the snapshot's prefix back, entry
   * by entry, through the prefixes nodes stored; the walk must end on the prefix already known
   * committed, or the snapshot holds a log that contradicts it.
   */
  private void learnCommittedFromSnapshot(SimNode node, SimLogStore store, long term) {
    long snapshotIndex = store.knownFrom();
    Deque<Committed> learned = new ArrayDeque<>();
    long hash = store.prefixHash(snapshotIndex);
    for (long i = snapshotIndex; i > committed.size(); i--) {
      Link link = prefixes.get(hash);
      if (link == null || link.index != i) {
        // Every prefix hash in a store came from an entry some node stored: a harness bug.
        throw new IllegalStateException(node.id + "'s log prefix at index " + i
            + " was never stored by any node");
      }
      learned.addFirst(new Committed(link.term, hash, term));
      hash = link.previousHash;
    }
    long committedHash = committed.isEmpty() ? 0 : committed.get(committed.size() - 1).prefixHash;
    if (hash != committedHash) {
      throw new SimFailure("State Machine Safety violated: " + node.id + " holds a snapshot up to"
          + " index " + snapshotIndex + " whose log differs from the one committed up to index "
          + committed.size());
    }
    committed.addAll(learned);
    committedBy(snapshotIndex, term);
  }

  private static void observeApplied(SimNode node, RaftEngine engine) {
    long appliedIndex = node.driver().appliedIndex();
    if (appliedIndex < node.observedApplied) {
      throw new SimFailure(node.id + ": applied index went back from " + node.observedApplied
          + " to " + appliedIndex);
    }
    if (appliedIndex > engine.commitIndex()) {
      throw new SimFailure(node.id + ": applied index " + appliedIndex + " is past the commit index "
          + engine.commitIndex());
    }
    node.observedApplied = appliedIndex;
  }

  /** Every entry committed in an earlier term must be in this leader's log, same prefix. */
  private void checkLeaderCompleteness(SimNode node, RaftEngine engine) {
    long mustHold = lastCommittedBefore(engine.term());
    if (mustHold == 0) return;
    SimLogStore store = node.store();
    // A leader whose snapshot covers the index shows the same prefix at the snapshot's index (known
    // committed: observeCommits learned it first); below it the store knows no hashes.
    long at = Math.max(mustHold, store.knownFrom());
    Committed c = committed.get((int) at - 1);
    if (engine.lastIndex() < at || store.prefixHash(at) != c.prefixHash) {
      throw new SimFailure("Leader Completeness violated: " + node.id + ", leader of term "
          + engine.term() + ", lacks the entry committed at index " + at + " (term " + c.term
          + ", committed by term " + c.commitTerm + ")");
    }
  }

  /** The highest index committed in a term before {@code term} (commit terms never decrease). */
  private long lastCommittedBefore(long term) {
    int lo = 0;
    int hi = committed.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (committed.get(mid).commitTerm < term) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The term of the entry known committed at {@code index}, or -1 while none is known there. */
  long committedTermAt(long index) {
    return index >= 1 && index <= committed.size() ? committed.get((int) index - 1).term : -1;
  }

  /** The hash of the committed log up to {@code index}, for {@code 1 <= index <= committedCount()}. */
  long committedPrefixHash(long index) {
    return committed.get((int) index - 1).prefixHash;
  }

  /**
   * The lowest term of a node seen knowing {@code index} committed (an entry committed by a leader
   * of that term or an earlier one), for {@code 1 <= index <= committedCount()}.
   */
  long commitTermAt(long index) {
    return committed.get((int) index - 1).commitTerm;
  }

  /** How many indexes are known committed (for the report). */
  long committedCount() {
    return committed.size();
  }
}
