package io.bellwether.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.bellwether.core.LogEntry;
import io.bellwether.core.message.AppendEntries;
import io.bellwether.core.message.AppendEntriesResponse;
import io.bellwether.core.message.Heartbeat;
import io.bellwether.core.message.HeartbeatResponse;
import io.bellwether.core.message.InstallSnapshot;
import io.bellwether.core.message.InstallSnapshotResponse;
import io.bellwether.core.message.ReadIndexRequest;
import io.bellwether.core.message.ReadIndexResponse;
import io.bellwether.core.spi.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

// Goal: a follower takes only entries that follow what it matched, commits no further than it
// matched, tells a rejected leader where its conflicting term starts, installs a snapshot only whole,
// in order and intact, and forwards its reads in batches, failing them when the leader changes.
// Method: one Follower (n2, term 2) over a log it holds, fed the leader's (n1's) messages directly.
class FollowerTest {

  /** Pinned, not the defaults: the scenarios count ticks of a 10-tick election timeout and a heartbeat every 2. */
  private static final RaftConfig CONFIG = RaftConfig.DEFAULT.withElectionTimeoutTicks(10).withHeartbeatIntervalTicks(2);
  private static final long TERM = 2;

  private final Effects effects = new Effects();
  private final RaftLog log = new RaftLog(0, 0, new ArrayList<>(List.of(
      LogEntry.command(1, 1, new byte[0]), LogEntry.command(1, 2, new byte[0]),
      LogEntry.command(1, 3, new byte[0]))));
  private final Follower follower = new Follower("n2", CONFIG, new SplittableRandom(3), log, effects,
      SnapshotPorts.IN_HEAP.sinks());

  private static AppendEntries append(long prevIndex, long prevTerm, long commit, LogEntry... entries) {
    return new AppendEntries("n1", "n2", TERM, prevIndex, prevTerm, List.of(entries), commit);
  }

  @Test
  void matchingEntriesAreAppendedAndCommittedNoFurtherThanMatched() {
    follower.onAppendEntries(append(3, 1, 9, LogEntry.command(2, 4, new byte[0])), TERM);
    assertThat(log.lastIndex()).isEqualTo(4);
    assertThat(log.commitIndex()).as("min(leader commit 9, last new entry 4)").isEqualTo(4);
    assertThat(effects.takeMessages())
        .containsExactly(new AppendEntriesResponse("n2", "n1", TERM, true, 4, 0, 0));
  }

  @Test
  void aMismatchNamesTheFirstIndexOfTheConflictingTermOrTheEndOfTheLog() {
    follower.onAppendEntries(append(3, 2, 0), TERM);
    assertThat(effects.takeMessages())
        .containsExactly(new AppendEntriesResponse("n2", "n1", TERM, false, 0, 1, 1));
    follower.onAppendEntries(append(7, 2, 0), TERM);
    assertThat(effects.takeMessages())
        .containsExactly(new AppendEntriesResponse("n2", "n1", TERM, false, 0, 4, 0));
    assertThat(log.lastIndex()).isEqualTo(3);
  }

  @Test
  void whatLiesBelowTheCommitIndexCountsAsMatched() {
    log.commitTo(3);
    // A late append from before the commit (its prev entry is long committed): only what is beyond
    // the commit index can be new.
    follower.onAppendEntries(append(1, 1, 3, LogEntry.command(1, 2, new byte[0]),
        LogEntry.command(1, 3, new byte[0]), LogEntry.command(2, 4, new byte[0])), TERM);
    assertThat(log.lastIndex()).isEqualTo(4);
    assertThat(effects.takeMessages())
        .containsExactly(new AppendEntriesResponse("n2", "n1", TERM, true, 4, 0, 0));
  }

  @Test
  void aHeartbeatCommitsOnlyWhatIsHeldAndEchoesTheRound() {
    follower.onHeartbeat(new Heartbeat("n1", "n2", TERM, 9, 17, 50_000, 10), TERM);
    assertThat(log.commitIndex()).isEqualTo(3);
    assertThat(effects.takeMessages())
        .containsExactly(new HeartbeatResponse("n2", "n1", TERM, 17, 3, true));
    assertThat(follower.timingOf("n1")).isEqualTo(new LeaseTiming(50_000, 10));
    assertThat(follower.timingOf("n3")).isNull();
  }

  @Test
  void aLeaderWithALongerPromiseThanOursGetsNoLeaseBacking() {
    follower.onHeartbeat(new Heartbeat("n1", "n2", TERM, 0, 1, 50_000, 20), TERM);
    assertThat(effects.takeMessages())
        .containsExactly(new HeartbeatResponse("n2", "n1", TERM, 1, 3, false));
  }

  private static InstallSnapshot chunk(byte[] all, int from, int to) {
    byte[] part = java.util.Arrays.copyOfRange(all, from, to);
    return new InstallSnapshot("n1", "n2", TERM, 40, 2, all.length,
        SnapshotReceiver.checksumOf(all), from, part);
  }

  @Test
  void aSnapshotIsInstalledWhenItsLastChunkArrivesIntact() {
    byte[] data = "the state at index 40".getBytes();
    assertThat(follower.onInstallSnapshot(chunk(data, 0, 10), TERM)).isNull();
    assertThat(effects.takeMessages())
        .containsExactly(new InstallSnapshotResponse("n2", "n1", TERM, 40, 10, false));
    Snapshot installed = follower.onInstallSnapshot(chunk(data, 10, data.length), TERM);
    assertThat(installed).isEqualTo(new Snapshot(40, 2, data));
    assertThat(log.snapshotIndex()).isEqualTo(40);
    assertThat(effects.takeMessages())
        .containsExactly(new InstallSnapshotResponse("n2", "n1", TERM, 40, data.length, true));
  }

  @Test
  void aTransferStartedMidwayIsAskedToStartOver() {
    byte[] data = "the state at index 40".getBytes();
    assertThat(follower.onInstallSnapshot(chunk(data, 10, data.length), TERM)).isNull();
    assertThat(effects.takeMessages())
        .containsExactly(new InstallSnapshotResponse("n2", "n1", TERM, 40, 0, false));
  }

  @Test
  void aCorruptedSnapshotIsNotInstalled() {
    byte[] data = "the state at index 40".getBytes();
    InstallSnapshot whole = chunk(data, 0, data.length);
    byte[] bad = data.clone();
    bad[3] ^= 1;
    InstallSnapshot corrupted = new InstallSnapshot("n1", "n2", TERM, 40, 2, data.length,
        whole.checksum(), 0, bad);
    assertThat(follower.onInstallSnapshot(corrupted, TERM)).isNull();
    assertThat(log.snapshotIndex()).isZero();
    assertThat(effects.takeMessages())
        .containsExactly(new InstallSnapshotResponse("n2", "n1", TERM, 40, 0, false));
  }

  @Test
  void readsQueuedTogetherLeaveAsOneRequestAndFailWhenTheLeaderChanges() {
    follower.forwardRead(1);
    follower.forwardRead(2);
    assertThat(follower.hasReadsToForward()).isTrue();
    follower.sendForwardedReads(0, "n1", TERM);
    List<ReadIndexRequest> sent =
        effects.takeMessages().stream().map(m -> (ReadIndexRequest) m).toList();
    assertThat(sent).hasSize(1);
    follower.forwardRead(3); // waits for the next request
    follower.onReadIndexResponse(new ReadIndexResponse("n1", "n2", TERM, sent.get(0).requestId(), true, 3));
    assertThat(effects.takeReadStates()).containsExactly(new ReadState(1, 3), new ReadState(2, 3));
    follower.failForwardedReads();
    assertThat(effects.takeFailedReads())
        .containsExactly(new FailedRead(3, FailedRead.Cause.LEADER_CHANGED));
  }

  @Test
  void readsTheLeaderCouldNotConfirmFailSayingSo() {
    follower.forwardRead(1);
    follower.sendForwardedReads(0, "n1", TERM);
    long batch = ((ReadIndexRequest) effects.takeMessages().get(0)).requestId();
    follower.onReadIndexResponse(new ReadIndexResponse("n1", "n2", TERM, batch, false, 0));
    assertThat(effects.takeFailedReads())
        .containsExactly(new FailedRead(1, FailedRead.Cause.LEADER_REFUSED));
  }
}
