package io.bellwether.core.runtime;

import io.bellwether.core.OutcomeUnknownException;
import io.bellwether.core.RequestFailedException;
import io.bellwether.core.RequestFailedException.Reason;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * The request timeout, counted in ticks: every pending proposal and read has a deadline, and one
 * still pending when it passes fails: a write as outcome unknown ({@link
 * OutcomeUnknownException.Reason#TIMEOUT}, it may still commit), a read as {@link
 * Reason#READ_UNAVAILABLE} (nothing stale is ever returned).
 *
 * <p>Its own class so that the timeout is one rule in one place, apart from how proposals and reads
 * are otherwise settled; the runtime settles whatever it already knows the truth of before it lets a
 * deadline speak (see {@link NodeDriver#tick}). Node thread only.
 */
final class RequestDeadlines {

  private record Deadline(long atTick, CompletableFuture<?> future, boolean isWrite) {}

  /** Every pending request in deadline order (all share one timeout, so FIFO is deadline order). */
  private final ArrayDeque<Deadline> deadlines = new ArrayDeque<>();

  private final int timeoutTicks;
  private long now;

  RequestDeadlines(int timeoutTicks) {
    this.timeoutTicks = timeoutTicks;
  }

  /** A proposal ({@code isWrite}) or a read starts waiting now. */
  void add(CompletableFuture<?> future, boolean isWrite) {
    deadlines.addLast(new Deadline(now + timeoutTicks, future, isWrite));
  }

  /** One tick passes; returns whether a request still pending has reached its deadline. */
  boolean tick() {
    now++;
    while (!deadlines.isEmpty() && deadlines.peekFirst().future.isDone()) deadlines.pollFirst();
    return !deadlines.isEmpty() && deadlines.peekFirst().atTick <= now;
  }

  /**
   * Fails every request still pending whose deadline has passed.
   *
   * @return whether any failed
   */
  boolean expire() {
    boolean expiredAny = false;
    while (!deadlines.isEmpty() && deadlines.peekFirst().atTick <= now) {
      Deadline d = deadlines.pollFirst();
      if (d.future.isDone()) continue;
      expiredAny = true;
      d.future.completeExceptionally(
          d.isWrite
              ? new OutcomeUnknownException(
                  OutcomeUnknownException.Reason.TIMEOUT,
                  "no outcome within the request timeout; the write may or may not be applied")
              : new RequestFailedException(
                  Reason.READ_UNAVAILABLE, "read could not be served within the request timeout"));
    }
    return expiredAny;
  }

  /** Forgets every deadline: the requests were failed otherwise (the node is stopping). */
  void clear() {
    deadlines.clear();
  }
}
