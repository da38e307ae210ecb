package io.bellwether.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.bellwether.core.HardState;
import io.bellwether.core.OutcomeUnknownException;
import io.bellwether.core.RequestFailedException;
import io.bellwether.core.engine.RaftConfig;
import io.bellwether.core.engine.RaftEngine;
import io.bellwether.core.engine.Role;
import io.bellwether.core.inmem.InMemoryLogStore;
import io.bellwether.core.message.AppendEntries;
import io.bellwether.core.message.AppendEntriesResponse;
import io.bellwether.core.message.Heartbeat;
import io.bellwether.core.message.InstallSnapshot;
import io.bellwether.core.message.Message;
import io.bellwether.core.message.RequestVoteResponse;
import io.bellwether.core.spi.StateMachine;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

// Goal: a failed request carries the reason that is true when it failed, not one read off the node's
// state later. RaftNode feeds a whole batch of inputs (and the ticks between them) before it flushes,
// so what the engine decided early in a batch must not be overwritten by what happens later in it.
// Method: one NodeDriver, node x of {x, y, z}, fed a batch by hand with flush() only at its end, as
// RaftNode does.
class TrueFailureReasonsTest {

  private static final int TIMEOUT_TICKS = 3;

  private final Wire wire = new Wire();
  private final RaftEngine engine = new RaftEngine("x", Set.of("x", "y", "z"), RaftConfig.DEFAULT,
      new SplittableRandom(5), HardState.INITIAL, null, List.of());
  private final NodeDriver driver = new NodeDriver(engine, new InMemoryLogStore(), wire,
      new Blank(), 0, TIMEOUT_TICKS, 100);

  /** A state machine with no state: these tests look at failures only. */
  private static final class Blank implements StateMachine {
    @Override
    public byte[] apply(long index, byte[] command) {
      return command;
    }

    @Override
    public byte[] query(byte[] query) {
      return query;
    }

    @Override
    public byte[] snapshot() {
      return new byte[0];
    }

    @Override
    public void restore(long lastIndex, byte[] data) {}
  }

  private static Throwable failure(CompletableFuture<?> f) {
    assertThat(f).isCompletedExceptionally();
    return f.handle((v, e) -> e).join();
  }

  private void receive(Message m) {
    driver.receive(m);
    driver.flush();
  }

  /** x wins term 1 with y's (pre-)vote. */
  private void leadTermOne() {
    for (int i = 0; i < 100 && engine.role() != Role.PRE_CANDIDATE; i++) {
      driver.tick();
      driver.flush();
    }
    receive(new RequestVoteResponse("y", "x", 1, true, true));
    receive(new RequestVoteResponse("y", "x", 1, true, false));
    assertThat(engine.role()).isEqualTo(Role.LEADER);
  }

  @Test
  void aProposalASnapshotCoveredIsNotReportedAsTimedOutWhenItsDeadlinePassesInTheSameBatch() {
    leadTermOne();
    CompletableFuture<Applied> write = new CompletableFuture<>();
    driver.propose(new byte[] {1}, write);
    driver.flush();
    assertThat(write).isNotDone();
    // One batch: y, leader of term 2, installs its snapshot (covering the write's index 2) on x, then
    // the write's deadline passes, then the batch is flushed.
    byte[] state = {7, 7, 7};
    CRC32C crc = new CRC32C();
    crc.update(state);
    driver.receive(new InstallSnapshot("y", "x", 2, 5, 2, state.length, (int) crc.getValue(), 0, state));
    for (int i = 0; i < TIMEOUT_TICKS; i++) driver.tick();
    driver.flush();
    assertThat(failure(write)).isInstanceOfSatisfying(OutcomeUnknownException.class,
        e -> assertThat(e.reason()).isEqualTo(OutcomeUnknownException.Reason.SNAPSHOT_INSTALLED));
  }

  @Test
  void aProposalStillUnsettledAtItsDeadlineTimesOut() {
    leadTermOne();
    CompletableFuture<Applied> write = new CompletableFuture<>();
    driver.propose(new byte[] {1}, write);
    driver.flush();
    for (int i = 0; i < TIMEOUT_TICKS; i++) driver.tick();
    assertThat(failure(write)).isInstanceOfSatisfying(OutcomeUnknownException.class,
        e -> assertThat(e.reason()).isEqualTo(OutcomeUnknownException.Reason.TIMEOUT));
  }

  @Test
  void aReadThatFoundNoLeaderSaysSoEvenIfALeaderIsKnownByTheTimeItIsAnswered() {
    CompletableFuture<QueryResult> read = new CompletableFuture<>();
    driver.query(new byte[0], ReadConsistency.LINEARIZABLE, 0, read);
    driver.receive(new Heartbeat("y", "x", 1, 0, 1, RaftConfig.DEFAULT.tickMicros(), 10));
    driver.flush();
    assertThat(failure(read)).isInstanceOfSatisfying(RequestFailedException.class, e -> {
      assertThat(e.getMessage()).contains("no leader was known");
      assertThat(e.leaderHint()).as("where to retry: the leader known now").isEqualTo("y");
    });
  }

  @Test
  void aReadOnALeaderThatIsDeposedSaysItLostItsLeadership() {
    leadTermOne();
    receive(new AppendEntriesResponse("y", "x", 1, true, 1, 0, 0)); // the no-op commits
    CompletableFuture<QueryResult> read = new CompletableFuture<>();
    driver.query(new byte[0], ReadConsistency.LINEARIZABLE, 0, read);
    driver.flush(); // its heartbeat round leaves; no answer comes
    receive(new AppendEntries("z", "x", 2, 0, 0, List.of(), 0)); // z leads term 2
    assertThat(failure(read)).isInstanceOfSatisfying(RequestFailedException.class, e -> {
      assertThat(e.getMessage()).contains("lost its leadership");
      assertThat(e.leaderHint()).isEqualTo("z");
    });
  }
}
