package io.bellwether.core.runtime;

import io.bellwether.core.RequestFailedException;
import io.bellwether.core.RequestFailedException.Reason;
import io.bellwether.core.engine.FailedRead;
import io.bellwether.core.spi.StateMachine;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;

/**
 * The client side of reads: a linearizable or lease read waits for the engine to confirm a read
 * index, then every read waits until this node has applied up to its index (a stale read: up to its
 * {@code minIndex}), and is answered from the state machine then, never earlier. Node thread only;
 * futures complete on it.
 */
final class PendingReads {

  private static final class Read {
    final byte[] query;
    final CompletableFuture<QueryResult> future;
    long waitIndex;

    Read(byte[] query, CompletableFuture<QueryResult> future, long waitIndex) {
      this.query = query;
      this.future = future;
      this.waitIndex = waitIndex;
    }
  }

  private final StateMachine stateMachine;
  private final String nodeId;
  private long nextReadId;

  /** Reads waiting for the engine to confirm a read index, by the id the engine was given. */
  private final Map<Long, Read> awaitingIndex = new HashMap<>();

  /** Reads whose index is known, waiting for this node to apply up to it. */
  private final PriorityQueue<Read> awaitingApply =
      new PriorityQueue<>((a, b) -> Long.compare(a.waitIndex, b.waitIndex));

  PendingReads(StateMachine stateMachine, String nodeId) {
    this.stateMachine = stateMachine;
    this.nodeId = nodeId;
  }

  /** A read that needs a read index from the engine: returns the id to ask the engine with. */
  long awaitIndex(byte[] query, CompletableFuture<QueryResult> future) {
    long id = ++nextReadId;
    awaitingIndex.put(id, new Read(query, future, 0));
    return id;
  }

  /** A read served once this node has applied {@code minIndex}; at once if it has. */
  void awaitApplied(byte[] query, CompletableFuture<QueryResult> future, long minIndex,
      long appliedIndex) {
    awaitApplied(new Read(query, future, minIndex), appliedIndex);
  }

  /** The engine confirmed read {@code id} at {@code readIndex}. */
  void indexConfirmed(long id, long readIndex, long appliedIndex) {
    Read r = awaitingIndex.remove(id);
    if (r == null) return;
    r.waitIndex = readIndex;
    awaitApplied(r, appliedIndex);
  }

  /**
   * The engine could not confirm read {@code id}, for {@code cause}: the failure says that cause, as
   * the engine recorded it when the read failed, not a guess from what the node knows now.
   *
   * @param leaderHint where to retry: the leader as this node knows it now, or null
   */
  void indexFailed(long id, FailedRead.Cause cause, String leaderHint) {
    Read r = awaitingIndex.remove(id);
    if (r == null) return;
    r.future.completeExceptionally(
        new RequestFailedException(Reason.READ_UNAVAILABLE, why(cause), leaderHint));
  }

  private static String why(FailedRead.Cause cause) {
    return switch (cause) {
      case NO_LEADER -> "no leader was known to confirm the linearizable read";
      case LEADERSHIP_LOST -> "this node lost its leadership before it confirmed the linearizable read";
      case LEADER_CHANGED -> "the leader changed before it confirmed the linearizable read";
      case LEADER_REFUSED -> "the leader could not confirm the linearizable read: it no longer leads";
    };
  }

  /** This node has applied up to {@code appliedIndex}: answers every read waiting for it. */
  void serveUpTo(long appliedIndex) {
    while (!awaitingApply.isEmpty() && awaitingApply.peek().waitIndex <= appliedIndex) {
      answer(awaitingApply.poll(), appliedIndex);
    }
  }

  private void awaitApplied(Read r, long appliedIndex) {
    if (r.waitIndex <= appliedIndex) {
      answer(r, appliedIndex);
    } else {
      awaitingApply.add(r);
    }
  }

  private void answer(Read r, long appliedIndex) {
    if (r.future.isDone()) return; // timed out meanwhile
    try {
      byte[] result = stateMachine.query(r.query);
      r.future.complete(new QueryResult(result, appliedIndex, nodeId));
    } catch (IllegalArgumentException e) {
      r.future.completeExceptionally(
          new RequestFailedException(Reason.INVALID_REQUEST, "invalid query: " + e.getMessage()));
    }
  }

  /** Forgets reads whose futures completed elsewhere (timed out). */
  void forgetDone() {
    awaitingIndex.values().removeIf(r -> r.future.isDone());
    awaitingApply.removeIf(r -> r.future.isDone());
  }

  /** The node is stopping: every read fails, certainly not served. */
  void failAll(String why) {
    for (Read r : awaitingIndex.values()) fail(r, why);
    for (Read r : awaitingApply) fail(r, why);
    awaitingIndex.clear();
    awaitingApply.clear();
  }

  private static void fail(Read r, String why) {
    r.future.completeExceptionally(new RequestFailedException(Reason.SHUTTING_DOWN, why));
  }

  int size() {
    return awaitingIndex.size() + awaitingApply.size();
  }
}
