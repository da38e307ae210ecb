package io.bellwether.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.bellwether.core.RequestFailedException;
import io.bellwether.core.RequestFailedException.Reason;
import io.bellwether.core.engine.FailedRead;
import io.bellwether.core.spi.StateMachine;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

// Goal: a read is answered only once this node has applied up to its index, and every other end is
// a clear failure. Method: PendingReads alone over a state machine that answers with its apply count.
class PendingReadsTest {

  /** Answers every query with the number of entries applied; rejects the query "bad". */
  private static final class Counter implements StateMachine {
    int applied;

    @Override
    public byte[] apply(long index, byte[] command) {
      applied++;
      return new byte[0];
    }

    @Override
    public byte[] query(byte[] query) {
      if (new String(query).equals("bad")) throw new IllegalArgumentException("no such query");
      return new byte[] {(byte) applied};
    }

    @Override
    public byte[] snapshot() {
      return new byte[0];
    }

    @Override
    public void restore(long index, byte[] snapshot) {}
  }

  private static Reason reason(CompletableFuture<?> f) {
    return ((RequestFailedException) f.handle((v, e) -> e).join()).reason();
  }

  @Test
  void aLinearizableReadWaitsForItsIndexThenForThatIndexToBeApplied() {
    Counter sm = new Counter();
    PendingReads reads = new PendingReads(sm, "n1");
    CompletableFuture<QueryResult> f = new CompletableFuture<>();
    long id = reads.awaitIndex("q".getBytes(), f);
    reads.indexConfirmed(id, 5, 3); // read index 5, only 3 applied: not yet
    assertThat(f).isNotDone();
    sm.applied = 5;
    reads.serveUpTo(4);
    assertThat(f).isNotDone();
    reads.serveUpTo(5);
    assertThat(f.join().appliedIndex()).isEqualTo(5);
    assertThat(f.join().result()).containsExactly(5);
    assertThat(f.join().servedBy()).isEqualTo("n1");
    assertThat(reads.size()).isZero();
  }

  @Test
  void aStaleReadIsServedAtOnceWhenItsMinIndexIsAppliedAndAnUnknownIdIsIgnored() {
    PendingReads reads = new PendingReads(new Counter(), "n1");
    CompletableFuture<QueryResult> now = new CompletableFuture<>();
    reads.awaitApplied("q".getBytes(), now, 2, 2);
    assertThat(now).isCompleted();
    reads.indexConfirmed(999, 1, 2); // an answer for a read that is gone: nothing happens
    reads.indexFailed(999, FailedRead.Cause.NO_LEADER, "n2");
    assertThat(reads.size()).isZero();
  }

  @Test
  void failuresSayWhy() {
    PendingReads reads = new PendingReads(new Counter(), "n1");
    CompletableFuture<QueryResult> unconfirmed = new CompletableFuture<>();
    reads.indexFailed(reads.awaitIndex("q".getBytes(), unconfirmed), FailedRead.Cause.LEADER_CHANGED, "n2");
    assertThat(reason(unconfirmed)).isEqualTo(Reason.READ_UNAVAILABLE);
    RequestFailedException failure = (RequestFailedException) unconfirmed.handle((v, e) -> e).join();
    assertThat(failure.leaderHint()).isEqualTo("n2");
    assertThat(failure.getMessage()).contains("the leader changed");

    CompletableFuture<QueryResult> invalid = new CompletableFuture<>();
    reads.awaitApplied("bad".getBytes(), invalid, 0, 0);
    assertThat(reason(invalid)).isEqualTo(Reason.INVALID_REQUEST);

    CompletableFuture<QueryResult> waiting = new CompletableFuture<>();
    CompletableFuture<QueryResult> timedOut = new CompletableFuture<>();
    reads.awaitApplied("q".getBytes(), waiting, 10, 0);
    reads.awaitIndex("q".getBytes(), timedOut);
    timedOut.completeExceptionally(new RequestFailedException(Reason.READ_UNAVAILABLE, "timeout"));
    reads.forgetDone();
    assertThat(reads.size()).isEqualTo(1);
    reads.failAll("stopping");
    assertThat(reason(waiting)).isEqualTo(Reason.SHUTTING_DOWN);
    assertThat(reads.size()).isZero();
  }

  @Test
  void aReadTheEngineFailedSaysTheCauseTheEngineRecorded() {
    PendingReads reads = new PendingReads(new Counter(), "n1");
    assertThat(failedWith(reads, FailedRead.Cause.NO_LEADER)).contains("no leader was known");
    assertThat(failedWith(reads, FailedRead.Cause.LEADERSHIP_LOST)).contains("lost its leadership");
    assertThat(failedWith(reads, FailedRead.Cause.LEADER_CHANGED)).contains("leader changed");
    assertThat(failedWith(reads, FailedRead.Cause.LEADER_REFUSED)).contains("no longer leads");
  }

  private static String failedWith(PendingReads reads, FailedRead.Cause cause) {
    CompletableFuture<QueryResult> f = new CompletableFuture<>();
    reads.indexFailed(reads.awaitIndex("q".getBytes(), f), cause, null);
    RequestFailedException e = (RequestFailedException) f.handle((v, t) -> t).join();
    assertThat(e.reason()).isEqualTo(Reason.READ_UNAVAILABLE);
    return e.getMessage();
  }
}
