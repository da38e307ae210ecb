package io.bellwether.core.runtime;

import io.bellwether.core.LogEntry;
import io.bellwether.core.OutcomeUnknownException;
import io.bellwether.core.RequestFailedException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The client side of proposals: each waits for its log index to be applied, and is settled only by
 * what this node applies there. Its own entry (same term) means applied; another term's entry means
 * certainly not applied, since the committed entry at an index is final (Log Matching, Leader
 * Completeness) and this attempt's entry exists at that one index and term only.
 *
 * <p>That this node's own log dropped the entry settles nothing: a copy may survive on another node
 * and be committed by a later leader (the Figure 8 shape of the Raft paper). So when a newer entry
 * takes the index of a pending proposal, both wait; usually one proposal waits per index, more after
 * such a replacement. A proposal whose index is never applied here (a snapshot from the leader
 * covered it, the request timed out, the node stopped) ends as outcome unknown.
 *
 * <p>Node thread only; futures complete on it.
 */
final class PendingProposals {

  private record Pending(long term, CompletableFuture<Applied> future) {}

  private final TreeMap<Long, List<Pending>> byIndex = new TreeMap<>();
  private int size;

  /** A proposal of {@code term} was appended at {@code index}; {@code future} waits for it. */
  void add(long index, long term, CompletableFuture<Applied> future) {
    byIndex.computeIfAbsent(index, i -> new ArrayList<>(1)).add(new Pending(term, future));
    size++;
  }

  /** Whether some proposal already waits at {@code index} (a newer entry took its place here). */
  boolean waitingAt(long index) {
    return byIndex.containsKey(index);
  }

  /** Test kit's planted bug only: fails the proposals waiting at {@code index} with {@code failure}. */
  void failAt(long index, RuntimeException failure) {
    List<Pending> atIndex = byIndex.remove(index);
    if (atIndex == null) return;
    atIndex.forEach(p -> p.future.completeExceptionally(failure));
    size -= atIndex.size();
  }

  /**
   * This node applied {@code entry}, with {@code result}: settles every proposal waiting at its
   * index, each by whether the entry is its own.
   *
   * @param leaderHint the leader a proposal that was not applied should be sent to, or null
   */
  void applied(LogEntry entry, byte[] result, String leaderHint) {
    List<Pending> atIndex = byIndex.remove(entry.index());
    if (atIndex == null) return;
    size -= atIndex.size();
    for (Pending p : atIndex) {
      if (p.term == entry.term()) {
        p.future.complete(new Applied(entry.index(), result));
      } else {
        p.future.completeExceptionally(notApplied(entry.index(), leaderHint));
      }
    }
  }

  /**
   * A snapshot from the leader replaced the state up to {@code lastIndex}: the results of the
   * proposals waiting there are not in it, so their fate is unknown.
   */
  void coveredBySnapshot(long lastIndex) {
    var covered = byIndex.headMap(lastIndex, true);
    for (List<Pending> atIndex : covered.values()) {
      for (Pending p : atIndex) {
        p.future.completeExceptionally(new OutcomeUnknownException(
            OutcomeUnknownException.Reason.SNAPSHOT_INSTALLED,
            "a snapshot from the leader covered the write's index before its result was known"));
      }
      size -= atIndex.size();
    }
    covered.clear();
  }

  /** Forgets proposals whose futures completed elsewhere (timed out). */
  void forgetDone() {
    for (var it = byIndex.values().iterator(); it.hasNext(); ) {
      List<Pending> atIndex = it.next();
      int before = atIndex.size();
      atIndex.removeIf(p -> p.future.isDone());
      size -= before - atIndex.size();
      if (atIndex.isEmpty()) it.remove();
    }
  }

  /** The node is stopping: every proposal may still commit elsewhere, so each is unknown. */
  void failAll(String why) {
    for (List<Pending> atIndex : byIndex.values()) {
      for (Pending p : atIndex) {
        p.future.completeExceptionally(
            new OutcomeUnknownException(OutcomeUnknownException.Reason.SHUTTING_DOWN, why));
      }
    }
    byIndex.clear();
    size = 0;
  }

  /** Proposals waiting, all indexes together. */
  int size() {
    return size;
  }

  /** The failure for a proposal whose index holds another leader's committed entry. */
  static RequestFailedException notApplied(long index, String leaderHint) {
    return new RequestFailedException(
        RequestFailedException.Reason.NOT_LEADER,
        "another leader's entry was committed at index " + index
            + "; this attempt's entry was not applied",
        leaderHint);
  }
}
