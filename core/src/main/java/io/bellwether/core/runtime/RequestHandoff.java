package io.bellwether.core.runtime;

import io.bellwether.core.RequestFailedException;
import io.bellwether.core.RequestFailedException.Reason;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * How a client thread hands a request to the node thread through its inbox, so that every request
 * is answered exactly once, also when the node stops at the same moment.
 *
 * <p>The hard case: the client sees the node running, the node then stops (its thread fails what its
 * inbox held, for the last time, and ends), and only then does the request land in the inbox, where
 * nobody would ever answer it. So after offering, the client looks again; if the node stopped and
 * the request can be taken back out, the node thread never saw it and "certainly not done" is true.
 * If it cannot be taken back, the node thread took it and answers it. Lock-free: {@code remove} and
 * the node thread's {@code poll} cannot both get one request.
 */
final class RequestHandoff {

  private RequestHandoff() {}

  /**
   * Offers {@code request} to {@code inbox} for the node thread, or answers {@code future} itself
   * when the request certainly never reaches it: the node is not {@code accepting} (SHUTTING_DOWN),
   * the inbox is full (OVERLOADED), or the node stopped while it was offered ({@code
   * rejectUnhandled}). Called on client threads; never blocks.
   */
  static <E> void offer(BlockingQueue<E> inbox, BooleanSupplier accepting, String nodeId, E request,
      CompletableFuture<?> future, Consumer<E> rejectUnhandled) {
    if (!accepting.getAsBoolean()) {
      future.completeExceptionally(
          new RequestFailedException(Reason.SHUTTING_DOWN, "node " + nodeId + " is not running"));
    } else if (!inbox.offer(request)) {
      future.completeExceptionally(
          new RequestFailedException(Reason.OVERLOADED, "node " + nodeId + " inbox is full; retry later"));
    } else if (!accepting.getAsBoolean() && inbox.remove(request)) {
      rejectUnhandled.accept(request);
    }
  }
}
