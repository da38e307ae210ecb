package io.bellwether.core.runtime;

import io.bellwether.core.OutcomeUnknownException;
import io.bellwether.core.RequestFailedException;
import io.bellwether.core.engine.RaftEngine;
import io.bellwether.core.engine.Role;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The runtime's side of a leadership transfer (the engine's is {@code LeadershipTransfer}): it picks
 * the target when the caller names none, tells the caller who leads once the leadership has moved,
 * and holds the writes that arrive meanwhile instead of failing them. The engine takes no proposal
 * during a transfer; a held write is proposed when the transfer ends: here, if this node still leads
 * (the transfer was given up), else it fails as NOT_LEADER naming the new leader, which is true (it
 * was never appended) and lets the caller, or node-app's forwarding, send it there.
 *
 * <p>Node thread only.
 */
final class Handover {

  /** A write that arrived during a transfer. */
  record HeldWrite(byte[] command, CompletableFuture<Applied> future) {}

  private record Waiter(CompletableFuture<String> future, String target, long fromTerm, long deadlineTick) {}

  private final RaftEngine engine;
  private final List<HeldWrite> held = new ArrayList<>();
  private final List<Waiter> waiters = new ArrayList<>();

  Handover(RaftEngine engine) {
    this.engine = engine;
  }

  /**
   * Hands this node's leadership to {@code target}, or to the voter whose log is furthest along when
   * it is null. {@code done} completes with the new leader's id once another node leads a later
   * term; at once with this node's id when it is the target; exceptionally when this node does not
   * lead or the target is not a voter (both certain: nothing moved), or with outcome unknown when it
   * has not moved within two election timeouts (a TimeoutNow still on its way may move it later).
   */
  void start(String target, CompletableFuture<String> done) {
    try {
      String to = target != null ? target : mostCaughtUpVoter();
      engine.transferLeadership(to);
      if (to.equals(engine.id())) {
        done.complete(to);
        return;
      }
      long deadline = engine.ticks() + 2L * engine.config().electionTimeoutTicks();
      waiters.add(new Waiter(done, to, engine.term(), deadline));
    } catch (RuntimeException e) {
      done.completeExceptionally(e);
    }
  }

  /** Holds {@code command} while a transfer runs; returns false (and holds nothing) otherwise. */
  boolean hold(byte[] command, CompletableFuture<Applied> future) {
    if (engine.transferee() == null) return false;
    held.add(new HeldWrite(command, future));
    return true;
  }

  /** Writes held so far (they count against the pending-request bound). */
  int heldCount() {
    return held.size();
  }

  /**
   * After the engine's effects were carried out: settles the callers of a transfer that ended and
   * returns the held writes to propose now (empty while the transfer runs).
   */
  List<HeldWrite> settle() {
    settleWaiters();
    if (held.isEmpty() || engine.transferee() != null) return List.of();
    // Stepped down, and the new leader not heard of yet: wait on, so the answer can name it.
    if (engine.role() != Role.LEADER && engine.leaderId() == null) return List.of();
    List<HeldWrite> release = List.copyOf(held);
    held.clear();
    return release;
  }

  private void settleWaiters() {
    if (waiters.isEmpty()) return;
    String leader = engine.leaderId();
    for (var it = waiters.iterator(); it.hasNext(); ) {
      Waiter w = it.next();
      if (engine.term() > w.fromTerm() && leader != null && !leader.equals(engine.id())) {
        w.future().complete(leader);
      } else if (engine.role() == Role.LEADER && engine.term() == w.fromTerm()
          && engine.transferee() == null) {
        w.future().completeExceptionally(new OutcomeUnknownException(OutcomeUnknownException.Reason.TIMEOUT,
            "the transfer to " + w.target() + " was given up (not caught up within an election"
                + " timeout, or its connection was lost); a TimeoutNow still on its way may move"
                + " the leadership later"));
      } else if (engine.ticks() >= w.deadlineTick()) {
        w.future().completeExceptionally(new OutcomeUnknownException(OutcomeUnknownException.Reason.TIMEOUT,
            "leadership did not move to " + w.target() + " within two election timeouts;"
                + " a TimeoutNow still on its way may move it later"));
      } else {
        continue;
      }
      it.remove();
    }
  }

  /** The node stops: held writes were never appended; a transfer's outcome is not known. */
  void failAll(String why) {
    for (HeldWrite w : held) {
      w.future().completeExceptionally(
          new RequestFailedException(RequestFailedException.Reason.SHUTTING_DOWN, why));
    }
    held.clear();
    for (Waiter w : waiters) {
      w.future().completeExceptionally(
          new OutcomeUnknownException(OutcomeUnknownException.Reason.SHUTTING_DOWN, why));
    }
    waiters.clear();
  }

  /** The voter, other than this leader, whose log matches the leader's furthest (ties: lowest id). */
  private String mostCaughtUpVoter() {
    if (engine.role() != Role.LEADER) return engine.id(); // engine.transferLeadership says why not
    return engine.matchIndexes().entrySet().stream()
        .filter(e -> engine.voters().contains(e.getKey()))
        .max(Comparator.comparingLong((Map.Entry<String, Long> e) -> e.getValue())
            .thenComparing(Map.Entry::getKey, Comparator.reverseOrder()))
        .map(Map.Entry::getKey)
        .orElse(engine.id());
  }
}
