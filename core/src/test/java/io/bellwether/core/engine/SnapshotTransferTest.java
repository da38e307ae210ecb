package io.bellwether.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.bellwether.core.LogEntry;
import io.bellwether.core.message.InstallSnapshot;
import io.bellwether.core.message.Message;
import io.bellwether.core.spi.Snapshot;
import java.util.List;
import org.junit.jupiter.api.Test;

// Goal: Raft §7 in the engine: a leader that compacted its log sends a lagging follower its snapshot
// in chunks, the transfer survives loss and corruption, and the follower ends with the leader's log.
// Method: a synchronous EngineNet with a small chunk size; faults by filtering messages.
class SnapshotTransferTest {

  private static final RaftConfig SMALL_CHUNKS = RaftConfig.DEFAULT.withMaxAppendBytes(64);

  /** n1 leads, n3 is cut off while 30 entries commit; n1 snapshots at its applied index. */
  private static EngineNet leaderWithSnapshot(byte[] stateBytes) {
    EngineNet net = EngineNet.of(3, SMALL_CHUNKS, 31);
    net.campaign("n1");
    net.isolate("n3");
    RaftEngine leader = net.get("n1");
    for (int i = 0; i < 30; i++) leader.propose(new byte[] {(byte) i});
    net.stabilize();
    net.tickAll(1); // hand out the last committed entries
    long applied = leader.appliedIndex();
    assertThat(applied).isEqualTo(31);
    long compacted = leader.snapshotTaken(new Snapshot(applied, leader.termAt(applied), stateBytes), 5);
    assertThat(compacted).isEqualTo(26);
    assertThat(leader.firstIndex()).isEqualTo(27);
    return net;
  }

  private static byte[] state(int size) {
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) b[i] = (byte) (i * 7);
    return b;
  }

  @Test
  void laggingFollowerReceivesTheSnapshotInChunksThenTheRestOfTheLog() {
    byte[] state = state(1000);
    EngineNet net = leaderWithSnapshot(state);
    net.healAll();
    net.tickAll(4 * SMALL_CHUNKS.heartbeatIntervalTicks());
    RaftEngine follower = net.get("n3");
    RaftEngine leader = net.get("n1");
    assertThat(follower.snapshotIndex()).isEqualTo(31);
    assertThat(follower.lastIndex()).isEqualTo(leader.lastIndex());
    assertThat(follower.commitIndex()).isEqualTo(leader.commitIndex());
    long chunks = net.delivered.stream().filter(m -> m instanceof InstallSnapshot).count();
    assertThat(chunks).isGreaterThanOrEqualTo(1000 / 64);
    // The next write replicates normally after the snapshot.
    leader.propose(new byte[] {42});
    net.stabilize();
    assertThat(follower.lastIndex()).isEqualTo(leader.lastIndex());
  }

  @Test
  void theVerifiedSnapshotIsHandedOutToPersistAndRestore() {
    byte[] state = state(300);
    EngineNet net = leaderWithSnapshot(state);
    net.healAll();
    RaftEngine follower = net.get("n3");
    Snapshot[] installed = new Snapshot[1];
    for (int i = 0; i < 200 && installed[0] == null; i++) {
      for (RaftEngine e : net.engines.values()) e.tick();
      for (String id : net.engines.keySet()) {
        RaftEngine e = net.get(id);
        while (e.hasReady()) {
          Ready r = e.ready();
          if (id.equals("n3") && r.snapshot() != null) installed[0] = r.snapshot();
          e.advance(r);
          r.messages().forEach(m -> net.get(m.to()).step(m));
        }
      }
    }
    assertThat(installed[0]).isEqualTo(new Snapshot(31, follower.termAt(31), state));
  }

  @Test
  void lostChunksAreResentAndTheTransferResumes() {
    EngineNet net = leaderWithSnapshot(state(1000));
    net.healAll();
    int[] seen = {0};
    // Drop every third chunk: the leader resends after a silent heartbeat interval.
    net.dropWhen(m -> m instanceof InstallSnapshot && ++seen[0] % 3 == 0);
    net.tickAll(200);
    assertThat(net.get("n3").snapshotIndex()).isEqualTo(31);
    assertThat(net.get("n3").lastIndex()).isEqualTo(net.get("n1").lastIndex());
  }

  @Test
  void aCorruptedChunkIsDetectedByChecksumAndTheTransferStartsOver() {
    EngineNet net = leaderWithSnapshot(state(500));
    net.healAll();
    boolean[] corrupted = {false};
    EngineNet.Rewriter flipOnce = m -> {
      if (!corrupted[0] && m instanceof InstallSnapshot s && s.offset() == 64) {
        corrupted[0] = true;
        byte[] bad = s.data().clone();
        bad[0] ^= 1;
        return new InstallSnapshot(s.from(), s.to(), s.term(), s.lastIndex(), s.lastTerm(),
            s.totalBytes(), s.checksum(), s.offset(), bad);
      }
      return m;
    };
    net.rewriteWith(flipOnce);
    net.tickAll(200);
    assertThat(corrupted[0]).isTrue();
    RaftEngine follower = net.get("n3");
    assertThat(follower.snapshotIndex()).isEqualTo(31);
    // Installed only once, with the right bytes: count transfers that restarted at offset 0.
    long restarts = net.delivered.stream()
        .filter(m -> m instanceof InstallSnapshot s && s.offset() == 0).count();
    assertThat(restarts).isGreaterThanOrEqualTo(2);
  }

  @Test
  void followerKeepsEntriesAfterASnapshotItAlreadyMatches() {
    EngineNet net = EngineNet.of(3, SMALL_CHUNKS, 33);
    net.campaign("n1");
    RaftEngine leader = net.get("n1");
    for (int i = 0; i < 5; i++) leader.propose(new byte[] {(byte) i});
    net.stabilize();
    net.tickAll(1);
    RaftLog log = new RaftLog(0, 0, List.of(LogEntry.command(1, 1, new byte[0]),
        LogEntry.command(1, 2, new byte[0]), LogEntry.command(1, 3, new byte[0])));
    log.installSnapshot(2, 1, null);
    assertThat(log.firstIndex()).isEqualTo(3);
    assertThat(log.lastIndex()).isEqualTo(3);
    assertThat(log.commitIndex()).isEqualTo(2);
    log.installSnapshot(5, 2, null); // does not match: the whole log goes
    assertThat(log.lastIndex()).isEqualTo(5);
    assertThat(log.firstIndex()).isEqualTo(6);
  }

  @SuppressWarnings("unused")
  private static boolean isChunk(Message m) {
    return m instanceof InstallSnapshot;
  }
}
