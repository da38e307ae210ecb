package io.bellwether.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bellwether.core.HardState;
import io.bellwether.core.LogEntry;
import io.bellwether.core.Membership;
import io.bellwether.core.message.AppendEntries;
import io.bellwether.core.message.InstallSnapshot;
import io.bellwether.core.message.InstallSnapshotResponse;
import io.bellwether.core.spi.Snapshot;
import io.bellwether.core.spi.StorageException;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

// Goal: a follower streams a snapshot from the leader into the state machine's sink: every accepted
// chunk is written in order as it arrives and nothing keeps the whole in the engine; the sink's local
// form is what gets installed; a bad checksum, another snapshot, a leader or term change, an election
// or the node stopping aborts the sink (and a bad checksum restarts the transfer from offset 0).
// Method: one Follower fed chunks directly, and whole engines for the role changes, each with a
// recording sink factory.
class SnapshotReceiveStreamTest {

  private static final long TERM = 2;
  private static final byte[] DATA = new byte[45];

  static {
    for (int i = 0; i < DATA.length; i++) DATA[i] = (byte) (i * 3);
  }

  private final Effects effects = new Effects();
  private final RaftLog log = new RaftLog(0, 0, new ArrayList<>(List.of(
      LogEntry.command(1, 1, new byte[0]), LogEntry.command(1, 2, new byte[0]))));
  private final RecordingSink.Opened opened = new RecordingSink.Opened();
  private final Follower follower = new Follower("n2", RaftConfig.DEFAULT, new SplittableRandom(3),
      log, effects, opened.factory());

  private static InstallSnapshot chunk(String from, long term, byte[] all, int off, int to) {
    return new InstallSnapshot(from, "n2", term, 40, 2, all.length,
        SnapshotReceiver.checksumOf(all), off, Arrays.copyOfRange(all, off, to));
  }

  private static InstallSnapshot chunk(byte[] all, int off, int to) {
    return chunk("n1", TERM, all, off, to);
  }

  private InstallSnapshotResponse answer() {
    return (InstallSnapshotResponse) effects.takeMessages().get(0);
  }

  @Test
  void eachChunkIsWrittenToTheSinkInOrderAndTheSinksLocalFormIsInstalled() {
    for (int off = 0; off < 40; off += 10) {
      assertThat(follower.onInstallSnapshot(chunk(DATA, off, off + 10), TERM)).isNull();
      // Written as it arrived, before the next one: the engine did not gather them.
      assertThat(opened.last().written.size()).isEqualTo(off + 10);
      assertThat(answer().nextOffset()).isEqualTo(off + 10);
    }
    Snapshot installed = follower.onInstallSnapshot(chunk(DATA, 40, 45), TERM);

    assertThat(opened.sinks).singleElement().satisfies(s -> {
      assertThat(s.lastIndex).isEqualTo(40);
      assertThat(s.totalBytes).isEqualTo(45);
      assertThat(s.chunks).hasSize(5);
      assertThat(s.written.toByteArray()).isEqualTo(DATA);
      assertThat(s.completed).isTrue();
      assertThat(s.aborts).isZero();
    });
    assertThat(installed).isEqualTo(new Snapshot(40, 2, RecordingSink.localFormOf(40, 45)));
    assertThat(log.snapshotIndex()).isEqualTo(40);
    assertThat(answer().installed()).isTrue();
  }

  @Test
  void noPartOfTheEngineKeepsTheSnapshotsBytes() {
    // The receiver keeps a sink and a running checksum, never a buffer of the snapshot.
    for (Class<?> c : List.of(SnapshotReceiver.class, Follower.class)) {
      assertThat(Arrays.stream(c.getDeclaredFields()).map(Field::getType))
          .as(c.getSimpleName()).doesNotContain(byte[].class);
    }
  }

  @Test
  void chunksOutOfOrderOrAgainAreNotWritten() {
    follower.onInstallSnapshot(chunk(DATA, 0, 10), TERM);
    answer();
    follower.onInstallSnapshot(chunk(DATA, 20, 30), TERM); // a gap
    assertThat(answer().nextOffset()).isEqualTo(10);
    follower.onInstallSnapshot(chunk(DATA, 0, 10), TERM); // a duplicate
    assertThat(answer().nextOffset()).isEqualTo(10);
    assertThat(opened.sinks).singleElement().satisfies(s -> assertThat(s.chunks).hasSize(1));
  }

  @Test
  void aBadChecksumAbortsTheSinkAndTheTransferStartsOverInANewOne() {
    byte[] bad = DATA.clone();
    bad[17] ^= 1; // corrupted in transit, in the middle: only the whole's checksum shows it
    InstallSnapshot first = chunk(DATA, 0, 30);
    follower.onInstallSnapshot(new InstallSnapshot("n1", "n2", TERM, 40, 2, DATA.length,
        first.checksum(), 0, Arrays.copyOfRange(bad, 0, 30)), TERM);
    answer();
    assertThat(follower.onInstallSnapshot(chunk(DATA, 30, 45), TERM)).isNull();

    assertThat(opened.last().aborts).isEqualTo(1);
    assertThat(opened.last().completed).isFalse();
    assertThat(answer()).satisfies(r -> {
      assertThat(r.installed()).isFalse();
      assertThat(r.nextOffset()).as("start over").isZero();
    });
    assertThat(log.snapshotIndex()).isZero();

    // The leader sends from offset 0 again: a new sink, and this time it installs.
    follower.onInstallSnapshot(first, TERM);
    Snapshot installed = follower.onInstallSnapshot(chunk(DATA, 30, 45), TERM);
    assertThat(opened.sinks).hasSize(2);
    assertThat(opened.last().completed).isTrue();
    assertThat(installed).isNotNull();
  }

  @Test
  void aChunkOfAnotherSnapshotAbortsTheSinkOfTheFirst() {
    follower.onInstallSnapshot(chunk(DATA, 0, 10), TERM);
    byte[] newer = new byte[20];
    follower.onInstallSnapshot(new InstallSnapshot("n1", "n2", TERM, 50, 2, newer.length,
        SnapshotReceiver.checksumOf(newer), 0, new byte[10]), TERM);
    assertThat(opened.sinks).hasSize(2);
    assertThat(opened.sinks.get(0).aborts).isEqualTo(1);
    assertThat(opened.sinks.get(1).lastIndex).isEqualTo(50);
    assertThat(opened.sinks.get(1).aborts).isZero();
  }

  @Test
  void aSnapshotTheFollowerAlreadyHoldsAbortsTheSink() {
    follower.onInstallSnapshot(chunk(DATA, 0, 10), TERM);
    for (long i = 3; i <= 40; i++) log.append(LogEntry.command(1, i, new byte[0]));
    log.commitTo(40); // meanwhile the log reached the snapshot's index

    follower.onInstallSnapshot(chunk(DATA, 10, 20), TERM);
    assertThat(opened.last().aborts).isEqualTo(1);
  }

  @Test
  void aSinkThatCannotWriteIsAbortedAndItsFailureStopsTheNode() {
    follower.onInstallSnapshot(chunk(DATA, 0, 10), TERM);
    opened.last().failWrites = new StorageException("disk full (test)");
    assertThatThrownBy(() -> follower.onInstallSnapshot(chunk(DATA, 10, 20), TERM))
        .hasMessageContaining("disk full (test)");
    assertThat(opened.last().aborts).isEqualTo(1);
    assertThat(follower.receivingSnapshot()).isFalse();
  }

  @Test
  void aSnapshotNoSinkCanTakeGoesUnanswered() {
    Follower picky = new Follower("n2", RaftConfig.DEFAULT, new SplittableRandom(3), log, effects,
        (lastIndex, totalBytes) -> {
          throw new IllegalArgumentException("too large (test)");
        });
    assertThat(picky.onInstallSnapshot(chunk(DATA, 0, 10), TERM)).isNull();
    assertThat(effects.takeMessages()).as("as if lost: the leader sends it again later").isEmpty();
    assertThat(picky.receivingSnapshot()).isFalse();
  }

  // ---------------------------------------------------------------- the engine's role changes

  /** A follower engine n2 of {n1, n2, n3} in term 2, with a first chunk from n1 written. */
  private RaftEngine receiving() {
    RaftEngine e = new RaftEngine("n2", Membership.ofVoters(List.of("n1", "n2", "n3")),
        RaftConfig.DEFAULT, new SplittableRandom(5), new HardState(TERM, null, 0), null, List.of(),
        new SnapshotPorts(SnapshotPorts.IN_HEAP.exporter(), opened.factory()));
    e.step(chunk(DATA, 0, 10));
    assertThat(opened.last().written.size()).isEqualTo(10);
    return e;
  }

  @Test
  void aNewLeaderMidTransferAbortsTheSink() {
    RaftEngine e = receiving();
    e.step(new AppendEntries("n3", "n2", TERM + 1, 0, 0, List.of(), 0));
    assertThat(e.leaderId()).isEqualTo("n3");
    assertThat(opened.last().aborts).isEqualTo(1);
    // n1's next chunk is of a transfer no longer under way: it is told to start over.
    e.step(chunk("n1", TERM + 1, DATA, 10, 20));
    assertThat(opened.sinks).hasSize(1);
  }

  @Test
  void theSameLeaderInANewTermStartsItsTransferOver() {
    RaftEngine e = receiving();
    e.step(new AppendEntries("n1", "n2", TERM + 1, 0, 0, List.of(), 0));
    assertThat(opened.last().aborts).isEqualTo(1);
  }

  @Test
  void anElectionAbortsTheSink() {
    RaftEngine e = receiving();
    for (int i = 0; i < 10 * RaftConfig.DEFAULT.electionTimeoutTicks() && e.role() == Role.FOLLOWER; i++) {
      e.tick();
    }
    assertThat(e.role()).isNotEqualTo(Role.FOLLOWER);
    assertThat(opened.last().aborts).isEqualTo(1);
  }

  @Test
  void aNodeThatStopsAbortsTheSink() {
    RaftEngine e = receiving();
    e.endSnapshotTransfers();
    e.endSnapshotTransfers();
    assertThat(opened.last().aborts).as("once, however often asked").isEqualTo(1);
  }
}
