package io.bellwether.storage.mapdb.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bellwether.core.kv.KvCommand;
import io.bellwether.core.kv.KvQuery;
import io.bellwether.core.kv.KvStateMachine;
import io.bellwether.core.spi.SnapshotData;
import io.bellwether.core.spi.SnapshotSink;
import io.bellwether.core.spi.StorageException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// Goal: prove damage to the on-disk state is refused with a message naming what is wrong, and loses
// nothing: a layer file missing or cut short, a manifest with a flipped byte or naming a path outside
// the directory, a received bundle with a flipped byte or the wrong magic. Never an empty state.
// Method: a machine with a few hundred keys and a snapshot; each case damages a copy of what it wrote.
class MapDbKvStorageBadInputTest {

  @TempDir Path root;
  private final List<KvStateMachine> open = new ArrayList<>();

  @AfterEach
  void close() {
    open.forEach(KvStateMachine::close);
  }

  private KvStateMachine machine(String name) {
    KvStateMachine m = new KvStateMachine(new MapDbKvStorage(root.resolve(name)),
        KvStateMachine.DEFAULT_IDEMPOTENCY_RETENTION_MILLIS, KvStateMachine.DEFAULT_IDEMPOTENCY_MAX_RECORDS);
    open.add(m);
    return m;
  }

  /** 300 keys, then a snapshot: returns its manifest. */
  private static byte[] filled(KvStateMachine m) {
    for (int i = 1; i <= 300; i++) {
      m.apply(i, new KvCommand.Put("k" + i, ("v" + i).getBytes(StandardCharsets.UTF_8), KvCommand.ANY, null, i, 0).encode());
    }
    return m.captureSnapshot().write();
  }

  private static Path layerFile(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".sst")).findFirst().orElseThrow();
    }
  }

  @Test
  void aMissingOrShortLayerIsRefusedNamingTheFile() throws Exception {
    KvStateMachine m = machine("a");
    byte[] manifest = filled(m);
    m.close();
    Path layer = layerFile(root.resolve("a"));
    Path saved = root.resolve("saved.sst");
    Files.copy(layer, saved);

    try (RandomAccessFile f = new RandomAccessFile(layer.toFile(), "rw")) {
      f.setLength(f.length() / 2);
    }
    KvStateMachine cut = machine("a");
    assertThatThrownBy(() -> cut.restore(300, manifest)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(layer.getFileName().toString()).hasMessageContaining("wrong size");
    cut.close();

    Files.delete(layer);
    KvStateMachine missing = machine("a");
    assertThatThrownBy(() -> missing.restore(300, manifest)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(layer.getFileName().toString()).hasMessageContaining("missing");
    missing.close();

    Files.copy(saved, layer); // nothing was deleted by the refusals: the state comes back whole
    KvStateMachine repaired = machine("a");
    repaired.restore(300, manifest);
    assertThat(repaired.size()).isEqualTo(300);
    assertThat(repaired.query(new KvQuery.Get("k7").encode())).isEqualTo(reference().query(new KvQuery.Get("k7").encode()));
  }

  @Test
  void aDamagedManifestOrOneNamingAPathOutsideIsRefused() {
    KvStateMachine m = machine("b");
    byte[] manifest = filled(m);
    byte[] flipped = manifest.clone();
    flipped[flipped.length / 2] ^= 0x10;
    assertThatThrownBy(() -> machine("b2").restore(300, flipped)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("manifest");
    Manifest good = Manifest.decode(manifest);
    LayerFile l = good.layers().get(0);
    byte[] escaping = new Manifest(good.meta(), good.keyCount(), good.nextSequence(),
        List.of(new LayerFile("../../etc/L1", l.tableBytes(), l.tableCrc(), l.bloomBytes(), l.bloomCrc(), 0, 0, l.entries())))
        .encode();
    assertThatThrownBy(() -> Manifest.decode(escaping)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("layer name");
    assertThat(m.size()).isEqualTo(300);
  }

  @Test
  void aBundleWithAFlippedByteOrTheWrongMagicIsRefusedAndLeavesNoFile() throws Exception {
    KvStateMachine leader = machine("c");
    byte[] manifest = filled(leader);
    SnapshotData data = leader.exportSnapshot(300, manifest);
    byte[] all = data.read(0, (int) data.size());
    data.close();

    byte[] flipped = all.clone();
    flipped[flipped.length - 10] ^= 0x01; // inside the last file
    KvStateMachine follower = machine("d");
    SnapshotSink sink = follower.receiveSnapshot(300, flipped.length);
    assertThatThrownBy(() -> sink.write(flipped)).isInstanceOf(StorageException.class)
        .hasMessageContaining("does not match its checksum");
    try (Stream<Path> files = Files.list(root.resolve("d"))) {
      assertThat(files).as("what the refused bundle wrote is gone").isEmpty();
    }

    byte[] foreign = all.clone();
    foreign[0] = 'X';
    SnapshotSink other = follower.receiveSnapshot(300, foreign.length);
    assertThatThrownBy(() -> other.write(foreign)).isInstanceOf(StorageException.class)
        .hasMessageContaining("not a key-value snapshot of the on-disk state");

    SnapshotSink good = follower.receiveSnapshot(300, all.length);
    good.write(all);
    follower.restore(300, good.complete());
    assertThat(follower.stateHash()).isEqualTo(leader.stateHash());
  }

  private static KvStateMachine reference() {
    KvStateMachine m = new KvStateMachine();
    for (int i = 1; i <= 300; i++) {
      m.apply(i, new KvCommand.Put("k" + i, ("v" + i).getBytes(StandardCharsets.UTF_8), KvCommand.ANY, null, i, 0).encode());
    }
    return m;
  }
}
