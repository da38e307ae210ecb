package io.bellwether.core.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * A follower's linearizable reads waiting for a read index from the leader (thesis §6.4.2), batched
 * so that many concurrent reads cost the leader one {@code ReadIndexRequest} and one answer, not one
 * each.
 *
 * <p>At most one request is out at a time. Reads that arrive while it is out wait for the next one:
 * the leader fixes a read index when the request reaches it, and an index fixed before a read arrived
 * could miss a write that completed before that read began. When the answer comes, every read of its
 * batch is ready at its index and the reads that waited form the next batch. A request left
 * unanswered for a while (a lost message) is replaced by a new one covering its reads too: a read
 * index fixed later is still correct for a read that arrived earlier, so they are never stranded.
 *
 * <p>Batch ids start at a random value so that an answer meant for an earlier incarnation of this
 * node (a request sent before a restart) cannot be taken for the answer to a new batch.
 */
final class ForwardedReads {

  private long nextBatchId;
  private long inflightBatchId; // 0: no request out
  private long inflightSentAt;
  private List<Long> inflight = new ArrayList<>();
  private List<Long> waiting = new ArrayList<>();

  ForwardedReads(long firstBatchId) {
    this.nextBatchId = firstBatchId == 0 ? 1 : firstBatchId;
  }

  void add(long requestId) {
    waiting.add(requestId);
  }

  /** Whether reads wait and no request is out: {@link #requestToSend} would give one now. */
  boolean hasRequestToSend() {
    return inflightBatchId == 0 && !waiting.isEmpty();
  }

  /**
   * The id of a request to send to the leader now, or 0 when none is due: there are waiting reads
   * and no request is out, or the one out has gone unanswered for {@code resendAfterTicks}.
   */
  long requestToSend(long now, int resendAfterTicks) {
    if (inflightBatchId != 0 && now - inflightSentAt >= resendAfterTicks) {
      inflight.addAll(waiting);
      waiting = inflight;
      inflight = new ArrayList<>();
      inflightBatchId = 0;
    }
    if (inflightBatchId != 0 || waiting.isEmpty()) return 0;
    inflight = waiting;
    waiting = new ArrayList<>();
    inflightBatchId = nextBatchId == 0 ? ++nextBatchId : nextBatchId;
    nextBatchId = inflightBatchId + 1;
    inflightSentAt = now;
    return inflightBatchId;
  }

  /**
   * The reads the answer to batch {@code batchId} covers, now removed; empty when it answers no
   * request still out (late, or replaced by a newer one).
   */
  List<Long> answered(long batchId) {
    if (batchId == 0 || batchId != inflightBatchId) return List.of();
    List<Long> out = inflight;
    inflight = new ArrayList<>();
    inflightBatchId = 0;
    return out;
  }

  /** Every read, sent or waiting, removed: the leader changed, so none can be answered. */
  List<Long> drainAll() {
    List<Long> out = new ArrayList<>(inflight);
    out.addAll(waiting);
    inflight = new ArrayList<>();
    waiting = new ArrayList<>();
    inflightBatchId = 0;
    return out;
  }
}
