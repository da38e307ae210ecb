package io.bellwether.storage.mapdb;

import io.bellwether.core.kv.KvCommand;
import io.bellwether.core.kv.KvStateMachine;
import io.bellwether.storage.mapdb.kv.MapDbKvStorage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The child of {@link MapDbKvStateCrashTest}: a node's key-value state on disk, without the node. It
 * restores the latest saved snapshot record (what a log store would keep), then applies the seeded
 * command stream from the index after it, taking snapshots as {@code LocalSnapshots} does (captured
 * between applies, written on another thread while applies go on, then saved) with the merger
 * running, and prints "BW saved INDEX END" after each save and "BW at INDEX END" every 50 applies,
 * until it is killed.
 *
 * <p>Args: data directory, seed.
 */
public final class KvCrashChild {

  private KvCrashChild() {}

  static final String RECORD = "snapshot.record";

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    long seed = Long.parseLong(args[1]);
    KvStateMachine machine = open(dir);
    long index = restoreLatest(dir, machine);
    System.out.println("BW STARTING");
    System.out.flush();
    ExecutorService writer = Executors.newSingleThreadExecutor();
    Random pace = new Random(seed ^ index);
    CompletableFuture<byte[]> writing = null;
    long writingIndex = 0;
    int saveDelay = 0;
    long nextCapture = index + 50 + pace.nextInt(250);
    while (true) {
      index++;
      machine.apply(index, command(seed, index));
      if (index % 50 == 0) {
        System.out.println("BW at " + index + " END"); // progress, for the test to pick its kill point
        System.out.flush();
      }
      // Saved a while after it was written, as a node's thread gets to it between batches: the
      // window in which the newest manifest exists but the saved one is still the one before.
      if (writing != null && writing.isDone() && --saveDelay < 0) {
        save(dir, writingIndex, writing.get());
        System.out.println("BW saved " + writingIndex + " END");
        System.out.flush();
        writing = null;
      }
      if (writing == null && index >= nextCapture) {
        var capture = machine.captureSnapshot();
        writing = CompletableFuture.supplyAsync(capture::write, writer);
        writingIndex = index;
        saveDelay = pace.nextInt(400);
        nextCapture = index + 50 + pace.nextInt(250);
      }
    }
  }

  static KvStateMachine open(Path dir) {
    return new KvStateMachine(new MapDbKvStorage(dir.resolve("kv")), KvStateMachine.DEFAULT_IDEMPOTENCY_RETENTION_MILLIS,
        KvStateMachine.DEFAULT_IDEMPOTENCY_MAX_RECORDS);
  }

  /** Restores the saved record, if any; returns its index (0 without one). */
  static long restoreLatest(Path dir, KvStateMachine machine) throws IOException {
    Path record = dir.resolve(RECORD);
    if (!Files.exists(record)) return 0;
    ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(record));
    long index = in.getLong();
    byte[] manifest = new byte[in.remaining()];
    in.get(manifest);
    machine.restore(index, manifest);
    return index;
  }

  /** The command at {@code index}: the same for the child and for the test's model. */
  static byte[] command(long seed, long index) {
    Random r = new Random(seed * 1_000_003L + index);
    String key = "key/" + r.nextInt(4000);
    if (r.nextInt(5) == 0) return new KvCommand.Delete(key, KvCommand.ANY, null, index).encode();
    byte[] value = new byte[r.nextInt(100) == 0 ? 5000 + r.nextInt(30_000) : 50 + r.nextInt(400)];
    r.nextBytes(value);
    return new KvCommand.Put(key, value, KvCommand.ANY, null, index, 0).encode();
  }

  /** As a log store saves a snapshot: written aside, forced, renamed, the directory forced. */
  private static void save(Path dir, long index, byte[] manifest) throws IOException {
    Path tmp = dir.resolve(RECORD + ".tmp");
    Files.write(tmp, ByteBuffer.allocate(8 + manifest.length).putLong(index).put(manifest).array());
    Fsync.file(tmp);
    Files.move(tmp, dir.resolve(RECORD), StandardCopyOption.ATOMIC_MOVE);
    Fsync.directory(dir);
  }
}
