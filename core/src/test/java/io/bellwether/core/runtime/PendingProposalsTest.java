package io.bellwether.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.bellwether.core.LogEntry;
import io.bellwether.core.OutcomeUnknownException;
import io.bellwether.core.RequestFailedException;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

// Goal: a proposal is settled only by what is applied at its index, and every other end is "unknown".
// Method: PendingProposals alone, fed appends, applies, snapshots, timeouts and a stop.
class PendingProposalsTest {

  private static Throwable cause(CompletableFuture<?> f) {
    return f.handle((v, e) -> e).join();
  }

  @Test
  void aProposalIsAppliedWhenItsOwnEntryIsAppliedAndNotWhenAnotherTermsIs() {
    PendingProposals p = new PendingProposals();
    CompletableFuture<Applied> mine = new CompletableFuture<>();
    CompletableFuture<Applied> replaced = new CompletableFuture<>();
    p.add(7, 1, replaced); // term 1's entry at 7, dropped from our log for a newer one...
    p.add(7, 3, mine);     // ...and ours of term 3 at the same index: both wait
    assertThat(p.size()).isEqualTo(2);
    assertThat(replaced).isNotDone();
    p.applied(LogEntry.command(3, 7, new byte[] {1}), new byte[] {42}, "n2");
    assertThat(mine.join().result()).containsExactly(42);
    assertThat(cause(replaced)).isInstanceOf(RequestFailedException.class)
        .hasMessageContaining("index 7");
    assertThat(((RequestFailedException) cause(replaced)).leaderHint()).isEqualTo("n2");
    assertThat(p.size()).isZero();
  }

  @Test
  void theOlderProposalWinsWhenItsEntryIsTheOneCommitted() {
    // Figure 8: the entry our log dropped survived elsewhere and a later leader committed it.
    PendingProposals p = new PendingProposals();
    CompletableFuture<Applied> older = new CompletableFuture<>();
    CompletableFuture<Applied> newer = new CompletableFuture<>();
    p.add(4, 1, older);
    p.add(4, 3, newer);
    p.applied(LogEntry.command(1, 4, new byte[] {1}), new byte[0], null);
    assertThat(older).isCompleted();
    assertThat(cause(newer)).isInstanceOf(RequestFailedException.class);
  }

  @Test
  void proposalsASnapshotCoversAreUnknownForThatReason() {
    PendingProposals p = new PendingProposals();
    CompletableFuture<Applied> covered = new CompletableFuture<>();
    CompletableFuture<Applied> beyond = new CompletableFuture<>();
    p.add(5, 2, covered);
    p.add(9, 2, beyond);
    p.coveredBySnapshot(8);
    assertThat(cause(covered)).isInstanceOf(OutcomeUnknownException.class);
    assertThat(((OutcomeUnknownException) cause(covered)).reason())
        .isEqualTo(OutcomeUnknownException.Reason.SNAPSHOT_INSTALLED);
    assertThat(beyond).isNotDone();
    assertThat(p.size()).isEqualTo(1);
  }

  @Test
  void timedOutProposalsAreForgottenAndAStopLeavesTheRestUnknown() {
    PendingProposals p = new PendingProposals();
    CompletableFuture<Applied> timedOut = new CompletableFuture<>();
    CompletableFuture<Applied> waiting = new CompletableFuture<>();
    p.add(3, 1, timedOut);
    p.add(3, 2, waiting);
    timedOut.completeExceptionally(new OutcomeUnknownException(OutcomeUnknownException.Reason.TIMEOUT, "t"));
    p.forgetDone();
    assertThat(p.size()).isEqualTo(1);
    assertThat(p.waitingAt(3)).isTrue();
    p.failAll("stopping");
    assertThat(((OutcomeUnknownException) cause(waiting)).reason())
        .isEqualTo(OutcomeUnknownException.Reason.SHUTTING_DOWN);
    assertThat(p.size()).isZero();
    assertThat(p.waitingAt(3)).isFalse();
  }
}
