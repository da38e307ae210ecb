package io.bellwether.storage.mapdb.kv;

import static org.assertj.core.api.Assertions.assertThat;

import io.bellwether.core.kv.KvCommand;
import io.bellwether.core.kv.KvQuery;
import io.bellwether.core.kv.KvStateMachine;
import io.bellwether.core.spi.SnapshotData;
import io.bellwether.core.spi.SnapshotSink;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// Goal: prove the on-disk key-value state equals the in-memory one through everything a node does to
// it, with the snapshot writer and the merger running concurrently with applies: many snapshots (so
// many layers, merged in the background), restarts from the latest snapshot with the log's replay,
// and snapshots transferred to a fresh node.
// Method: a seeded stream of puts and deletes over a key space, applied to both machines; at random
// points a capture written on another thread while applies go on, a restart, a transfer; state hashes,
// gets and scans compared throughout. Seed printed; rerun with -Dbellwether.kv.seed=S.
class MapDbKvStorageModelTest {

  @TempDir Path root;
  private final List<KvStateMachine> open = new ArrayList<>();
  private final ExecutorService writer = Executors.newSingleThreadExecutor();
  private final Map<KvStateMachine, Path> directories = new IdentityHashMap<>();
  private MapDbKvStorage storage;
  private int dirs;

  @AfterEach
  void close() {
    writer.shutdownNow();
    open.forEach(KvStateMachine::close);
  }

  @Test
  void staysEqualToTheInMemoryStateThroughSnapshotsMergesRestartsAndTransfers() throws Exception {
    long seed = Long.getLong("bellwether.kv.seed", System.nanoTime());
    System.out.println("MapDbKvStorageModelTest seed " + seed + " (rerun with -Dbellwether.kv.seed=" + seed + ")");
    Random random = new Random(seed);
    String why = "seed " + seed;
    KvStateMachine reference = new KvStateMachine();
    KvStateMachine subject = newMachine();
    MapDbKvStorage subjectStorage = storage;
    List<byte[]> log = new ArrayList<>();
    byte[] snapshot = null;
    long snapshotIndex = 0;
    CompletableFuture<byte[]> writing = null;
    long writingIndex = 0;
    int restarts = 0;
    int transfers = 0;
    for (int i = 1; i <= 30_000; i++) {
      byte[] command = command(random, i);
      log.add(command);
      assertThat(subject.apply(i, command)).as("result at %d, %s", i, why).isEqualTo(reference.apply(i, command));
      if (writing != null && writing.isDone()) {
        snapshot = writing.get();
        snapshotIndex = writingIndex;
        writing = null;
      }
      if (writing == null && random.nextInt(400) == 0) {
        var capture = subject.captureSnapshot();
        writing = CompletableFuture.supplyAsync(capture::write, writer);
        writingIndex = i;
      }
      if (random.nextInt(200) == 0) compareReads(reference, subject, random, why + " at " + i);
      if (snapshot != null && writing == null && random.nextInt(1500) == 0) {
        // A crash: what was applied since the snapshot is lost with the process; the log replays it.
        subject.close();
        subject = reopen(subject);
        subjectStorage = storage;
        subject.restore(snapshotIndex, snapshot);
        for (long j = snapshotIndex + 1; j <= i; j++) subject.apply(j, log.get((int) j - 1));
        restarts++;
        assertThat(subject.stateHash()).as("state after restart %d at %d, %s", restarts, i, why).isEqualTo(reference.stateHash());
      }
      if (snapshot != null && writing == null && random.nextInt(1500) == 0) {
        KvStateMachine follower = newMachine();
        SnapshotData data = subject.exportSnapshot(snapshotIndex, snapshot);
        SnapshotSink sink = follower.receiveSnapshot(snapshotIndex, data.size());
        for (long at = 0; at < data.size(); ) {
          byte[] chunk = data.read(at, 64 << 10);
          sink.write(chunk);
          at += chunk.length;
        }
        data.close();
        follower.restore(snapshotIndex, sink.complete());
        for (long j = snapshotIndex + 1; j <= i; j++) follower.apply(j, log.get((int) j - 1));
        transfers++;
        assertThat(follower.stateHash()).as("transferred state at %d, %s", i, why).isEqualTo(reference.stateHash());
      }
    }
    if (writing != null) writing.get();
    assertThat(subject.stateHash()).as("final state, %s", why).isEqualTo(reference.stateHash());
    assertThat(subject.size()).as("key count, %s", why).isEqualTo(reference.size());
    System.out.println("restarts " + restarts + ", transfers " + transfers + ", layers " + subjectStorage.layerCount());
    assertThat(subjectStorage.layerCount()).as("layers merged in the background, %s", why).isLessThan(30);
  }

  @Test
  void valuesUpToTheLargestSizeSurviveSnapshotsRestartsAndTransfers() {
    KvStateMachine reference = new KvStateMachine();
    KvStateMachine subject = newMachine();
    int[] sizes = {0, 1, 4090, 4096, 4200, 70_000, 1 << 20, 5 << 20};
    long index = 0;
    for (int round = 0; round < 2; round++) {
      for (int size : sizes) {
        byte[] value = new byte[size];
        new Random(size + round).nextBytes(value);
        byte[] put = new KvCommand.Put("big/" + size, value, KvCommand.ANY, null, ++index, 0).encode();
        assertThat(subject.apply(index, put)).isEqualTo(reference.apply(index, put));
      }
      byte[] manifest = subject.captureSnapshot().write(); // the second round merges with the first
      subject = reopen(subject);
      subject.restore(index, manifest);
      assertThat(subject.stateHash()).as("after restart, round %d", round).isEqualTo(reference.stateHash());
      KvStateMachine follower = newMachine();
      SnapshotData data = subject.exportSnapshot(index, manifest);
      SnapshotSink sink = follower.receiveSnapshot(index, data.size());
      for (long at = 0; at < data.size(); ) {
        byte[] chunk = data.read(at, (int) Math.min(1 << 20, data.size() - at));
        sink.write(chunk);
        at += chunk.length;
      }
      data.close();
      follower.restore(index, sink.complete());
      assertThat(follower.stateHash()).as("transferred, round %d", round).isEqualTo(reference.stateHash());
    }
    for (int size : sizes) {
      byte[] get = new KvQuery.Get("big/" + size).encode();
      assertThat(subject.query(get)).as("value of %d bytes", size).isEqualTo(reference.query(get));
    }
  }

  private static byte[] command(Random random, int i) {
    String key = "key/" + random.nextInt(random.nextInt(10) == 0 ? 20 : 3000);
    if (random.nextInt(4) == 0) return new KvCommand.Delete(key, KvCommand.ANY, null, 1000 + i).encode();
    // Now and then a value too large for a table page, kept in the layer's blob file.
    byte[] value = new byte[random.nextInt(60) == 0 ? 4000 + random.nextInt(60_000) : random.nextInt(300)];
    random.nextBytes(value);
    return new KvCommand.Put(key, value, KvCommand.ANY, null, 1000 + i, 0).encode();
  }

  private static void compareReads(KvStateMachine reference, KvStateMachine subject, Random random, String why) {
    for (int k = 0; k < 20; k++) {
      byte[] get = new KvQuery.Get("key/" + random.nextInt(3000)).encode();
      assertThat(subject.query(get)).as("get, %s", why).isEqualTo(reference.query(get));
    }
    byte[] scan = new KvQuery.Scan("key/" + random.nextInt(30), 50).encode();
    assertThat(subject.query(scan)).as("scan, %s", why).isEqualTo(reference.query(scan));
  }

  private KvStateMachine newMachine() {
    return open(root.resolve("node" + dirs++));
  }

  private KvStateMachine reopen(KvStateMachine old) {
    return open(directories.get(old));
  }

  private KvStateMachine open(Path dir) {
    storage = new MapDbKvStorage(dir);
    KvStateMachine m = new KvStateMachine(storage, KvStateMachine.DEFAULT_IDEMPOTENCY_RETENTION_MILLIS,
        KvStateMachine.DEFAULT_IDEMPOTENCY_MAX_RECORDS);
    open.add(m);
    directories.put(m, dir);
    return m;
  }
}
