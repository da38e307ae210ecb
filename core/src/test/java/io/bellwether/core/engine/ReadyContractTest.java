package io.bellwether.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bellwether.core.HardState;
import io.bellwether.core.LogEntry;
import io.bellwether.core.message.InstallSnapshot;
import io.bellwether.core.spi.Snapshot;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

// Goal: the runtime carries out one Ready, and says so (advance), before it is handed the next; a
// runtime that asks again early fails loudly. And "handed out for applying" is not "applied": only an
// advanced Ready's entries count as applied, which is what a local snapshot may cover.
// Method: single engines (a one-node leader, a follower fed an InstallSnapshot), asked out of turn.
class ReadyContractTest {

  private static final RaftConfig CONFIG = RaftConfig.DEFAULT;

  /** A one-node cluster that has elected itself and committed its no-op at index 1. */
  private static RaftEngine soloLeader() {
    RaftEngine e = new RaftEngine("n1", Set.of("n1"), CONFIG, new SplittableRandom(1),
        HardState.INITIAL, null, List.of());
    for (int i = 0; i < 2 * CONFIG.electionTimeoutTicks() && e.role() != Role.LEADER; i++) e.tick();
    assertThat(e.role()).isEqualTo(Role.LEADER);
    while (e.hasReady()) e.advance(e.ready());
    return e;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aSecondReadyBeforeTheFirstIsAdvancedFailsLoudly() {
    RaftEngine e = soloLeader();
    e.propose(bytes("x"));
    Ready first = e.ready();
    assertThatThrownBy(e::ready)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("ready() called while the last Ready is still out")
        .hasMessageContaining("advance(ready)");
    assertThatThrownBy(e::hasReady)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("hasReady() called while the last Ready is still out");
    e.advance(first);
    assertThat(e.hasReady()).isFalse(); // once advanced, asking again is fine
  }

  @Test
  void advanceTakesOnlyTheReadyHandedOutAndOnlyOnce() {
    RaftEngine e = soloLeader();
    e.propose(bytes("y"));
    Ready r = e.ready();
    Ready equalButNotTheSame = new Ready(r.hardState(), r.entries(), r.messages(),
        r.committedEntries(), r.readStates(), r.failedReads(), r.snapshot(), r.termOrVoteChanged());
    assertThatThrownBy(() -> e.advance(equalButNotTheSame))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("other than the one ready() handed out last");
    e.advance(r);
    assertThatThrownBy(() -> e.advance(r))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no Ready out");
  }

  @Test
  void committedEntriesCountAsAppliedOnlyOnceTheirReadyIsAdvanced() {
    RaftEngine e = soloLeader();
    long index = e.propose(bytes("x"));
    Ready r = e.ready();
    assertThat(r.committedEntries()).extracting(LogEntry::index).containsExactly(index);
    assertThat(e.applyingIndex()).isEqualTo(index);
    assertThat(e.appliedIndex()).as("handed out, not yet applied").isEqualTo(index - 1);
    e.advance(r);
    assertThat(e.appliedIndex()).isEqualTo(index);
  }

  @Test
  void aSnapshotMayNotCoverEntriesHandedOutButNotYetApplied() {
    // The state machine a snapshot is taken from holds the applied entries only; compacting past
    // them would lose entries nobody applied.
    RaftEngine e = soloLeader();
    long index = e.propose(bytes("x"));
    Ready r = e.ready();
    Snapshot early = new Snapshot(index, e.term(), bytes("state"));
    assertThatThrownBy(() -> e.snapshotTaken(early, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("applied " + (index - 1));
    e.advance(r);
    assertThat(e.snapshotTaken(early, 0)).isEqualTo(index);
  }

  @Test
  void anInstalledSnapshotCountsAsAppliedOnceItsReadyIsAdvanced() {
    RaftEngine f = new RaftEngine("n2", Set.of("n1", "n2", "n3"), CONFIG, new SplittableRandom(2),
        HardState.INITIAL, null, List.of());
    byte[] data = bytes("the leader's state at 40");
    f.step(new InstallSnapshot("n1", "n2", 1, 40, 1, data.length,
        SnapshotReceiver.checksumOf(data), 0, data));
    Ready r = f.ready();
    assertThat(r.snapshot()).isEqualTo(new Snapshot(40, 1, data));
    assertThat(f.applyingIndex()).isEqualTo(40);
    assertThat(f.appliedIndex()).isZero();
    f.advance(r);
    assertThat(f.appliedIndex()).isEqualTo(40);
  }
}
