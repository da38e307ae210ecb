package io.bellwether.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bellwether.core.message.InstallSnapshot;
import io.bellwether.core.message.InstallSnapshotResponse;
import io.bellwether.core.spi.Snapshot;
import io.bellwether.core.spi.SnapshotData;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

// Goal: a leader sends a snapshot's exported (transferred) form, not its local form: exported once
// per transfer, read chunk by chunk by offset, its size and checksum announced, and closed when the
// transfer ends (installed, replaced, or the leadership over); and a follower installs the local form
// its own sink returns.
// Method: a SnapshotSender with an exporter whose data counts reads and closes; then whole engines
// in an EngineNet with such ports on every node.
class SnapshotSendStreamTest {

  /** Exported data that records how it is used. */
  static class CountingData implements SnapshotData {
    final SnapshotData bytes;
    final List<Long> readOffsets = new ArrayList<>();
    int closes;

    CountingData(byte[] bytes) {
      this.bytes = SnapshotData.of(bytes);
    }

    @Override
    public long size() {
      return bytes.size();
    }

    @Override
    public int checksum() {
      return bytes.checksum();
    }

    @Override
    public byte[] read(long offset, int maxBytes) {
      readOffsets.add(offset);
      return bytes.read(offset, maxBytes);
    }

    @Override
    public void close() {
      closes++;
    }
  }

  /** Exports the local form "ptr:N" as N bytes, each export recorded. */
  static final class Exporter implements Function<Snapshot, SnapshotData> {
    final List<CountingData> exports = new ArrayList<>();

    static byte[] expand(byte[] local) {
      int n = Integer.parseInt(new String(local, StandardCharsets.UTF_8).substring(4));
      byte[] out = new byte[n];
      for (int i = 0; i < n; i++) out[i] = (byte) (i * 31 + 7);
      return out;
    }

    @Override
    public SnapshotData apply(Snapshot s) {
      CountingData d = new CountingData(expand(s.data()));
      exports.add(d);
      return d;
    }
  }

  private static final byte[] LOCAL = "ptr:25".getBytes(StandardCharsets.UTF_8);
  private static final byte[] EXPORTED = Exporter.expand(LOCAL);

  private final Effects effects = new Effects();
  private final Snapshot snapshot = new Snapshot(40, 3, LOCAL);
  private final Exporter exporter = new Exporter();
  private final SnapshotSender sender =
      new SnapshotSender("n1", 5, 10, effects, () -> snapshot, exporter);
  private final Progress follower = new Progress(1, 4);

  private InstallSnapshot sentChunk() {
    return (InstallSnapshot) effects.takeMessages().get(0);
  }

  private static InstallSnapshotResponse expects(long nextOffset) {
    return new InstallSnapshotResponse("n2", "n1", 5, 40, nextOffset, false);
  }

  @Test
  void theExportedFormIsSentChunkByChunkFromOneExport() {
    sender.start("n2", follower);
    SnapshotTransfer t = follower.snapshotTransfer();
    List<InstallSnapshot> chunks = new ArrayList<>(List.of(sentChunk()));
    sender.onResponse(expects(10), t);
    chunks.add(sentChunk());
    sender.onResponse(expects(20), t);
    chunks.add(sentChunk());

    assertThat(chunks).allSatisfy(c -> {
      assertThat(c.totalBytes()).as("the exported size, not the local one").isEqualTo(25);
      assertThat(c.checksum()).isEqualTo(SnapshotReceiver.checksumOf(EXPORTED));
    });
    byte[] sent = new byte[25];
    for (InstallSnapshot c : chunks) System.arraycopy(c.data(), 0, sent, (int) c.offset(), c.data().length);
    assertThat(sent).isEqualTo(EXPORTED);
    assertThat(exporter.exports).as("once per transfer, never per chunk").hasSize(1);
    assertThat(exporter.exports.get(0).readOffsets).containsExactly(0L, 10L, 20L);
  }

  @Test
  void theDataIsClosedWhenTheFollowerInstallsIt() {
    sender.start("n2", follower);
    effects.takeMessages();
    assertThat(exporter.exports.get(0).closes).isZero();
    sender.onResponse(new InstallSnapshotResponse("n2", "n1", 5, 40, 25, true), follower.snapshotTransfer());
    follower.snapshotInstalled(40);
    assertThat(exporter.exports.get(0).closes).isEqualTo(1);
  }

  @Test
  void aReplacedTransfersDataIsClosedAndTheNewOneExportedAfresh() {
    sender.start("n2", follower);
    sender.start("n2", follower); // a follower that needs the snapshot again from the start
    assertThat(exporter.exports).hasSize(2);
    assertThat(exporter.exports.get(0).closes).isEqualTo(1);
    assertThat(exporter.exports.get(1).closes).isZero();
    follower.probe(41);
    assertThat(exporter.exports.get(1).closes).isEqualTo(1);
  }

  @Test
  void dataThatReadsShortIsAClearError() {
    SnapshotSender shortReads = new SnapshotSender("n1", 5, 10, effects, () -> snapshot,
        s -> new CountingData(EXPORTED) {
          @Override
          public byte[] read(long offset, int maxBytes) {
            return new byte[0];
          }
        });
    assertThatThrownBy(() -> shortReads.start("n2", follower))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("read 0 bytes at offset 0 of 25; asked for 10");
  }

  // ---------------------------------------------------------------- whole engines

  private static final RaftConfig SMALL_CHUNKS = RaftConfig.DEFAULT.withMaxAppendBytes(64);

  @Test
  void aLaggingFollowerInstallsWhatItsSinkMadeOfTheExportedBytes() {
    Map<String, Exporter> exporters = new HashMap<>();
    Map<String, RecordingSink.Opened> sinks = new HashMap<>();
    EngineNet net = EngineNet.of(3, id -> SMALL_CHUNKS, 41, id -> {
      exporters.put(id, new Exporter());
      sinks.put(id, new RecordingSink.Opened());
      return new SnapshotPorts(exporters.get(id), sinks.get(id).factory());
    });
    RaftEngine leader = leaderWithSnapshot(net, "ptr:1000");
    net.healAll();
    List<Snapshot> installed = new ArrayList<>();
    for (int i = 0; i < 200 && installed.isEmpty(); i++) {
      for (RaftEngine e : net.engines.values()) e.tick();
      for (String id : net.engines.keySet()) {
        RaftEngine e = net.get(id);
        while (e.hasReady()) {
          Ready r = e.ready();
          if (id.equals("n3") && r.snapshot() != null) installed.add(r.snapshot());
          e.advance(r);
          r.messages().forEach(m -> net.get(m.to()).step(m));
        }
      }
    }
    RecordingSink sink = sinks.get("n3").last();
    assertThat(sink.written.toByteArray()).isEqualTo(Exporter.expand("ptr:1000".getBytes()));
    assertThat(sink.chunks.size()).isGreaterThanOrEqualTo(1000 / 64);
    assertThat(installed).singleElement().isEqualTo(
        new Snapshot(31, leader.termAt(31), RecordingSink.localFormOf(31, 1000)));
    assertThat(exporters.get("n1").exports).singleElement()
        .satisfies(d -> assertThat(d.closes).as("closed once installed").isEqualTo(1));
  }

  @Test
  void aLeaderThatStepsDownClosesItsTransfers() {
    Map<String, Exporter> exporters = new HashMap<>();
    EngineNet net = EngineNet.of(3, id -> SMALL_CHUNKS, 43, id -> {
      exporters.put(id, new Exporter());
      return new SnapshotPorts(exporters.get(id), SnapshotPorts.IN_HEAP.sinks());
    });
    RaftEngine leader = leaderWithSnapshot(net, "ptr:1000");
    net.healAll();
    net.dropWhen(m -> m instanceof InstallSnapshot && m.from().equals("n1")); // never finishes
    net.tickAll(2 * SMALL_CHUNKS.heartbeatIntervalTicks());
    assertThat(exporters.get("n1").exports).isNotEmpty();
    assertThat(exporters.get("n1").exports).allSatisfy(d -> assertThat(d.closes).isLessThanOrEqualTo(1));
    CountingData open = exporters.get("n1").exports.get(exporters.get("n1").exports.size() - 1);
    assertThat(open.closes).isZero();

    leader.step(new io.bellwether.core.message.Heartbeat("n2", "n1", leader.term() + 1, 0, 0,
        SMALL_CHUNKS.tickMicros(), SMALL_CHUNKS.electionTimeoutTicks()));
    assertThat(leader.role()).isEqualTo(Role.FOLLOWER);
    assertThat(open.closes).isEqualTo(1);
  }

  /** n1 leads, n3 is cut off while 30 entries commit; n1 snapshots at 31 with {@code local}. */
  private static RaftEngine leaderWithSnapshot(EngineNet net, String local) {
    net.campaign("n1");
    net.isolate("n3");
    RaftEngine leader = net.get("n1");
    for (int i = 0; i < 30; i++) leader.propose(new byte[] {(byte) i});
    net.stabilize();
    net.tickAll(1);
    assertThat(leader.appliedIndex()).isEqualTo(31);
    leader.snapshotTaken(new Snapshot(31, leader.termAt(31), local.getBytes(StandardCharsets.UTF_8)), 5);
    assertThat(leader.firstIndex()).isGreaterThan(1);
    return leader;
  }
}
