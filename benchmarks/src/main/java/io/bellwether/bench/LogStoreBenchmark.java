package io.bellwether.bench;

import io.bellwether.core.LogEntry;
import io.bellwether.core.codec.LogEntryCodec;
import io.bellwether.core.inmem.InMemoryLogStore;
import io.bellwether.core.spi.LogStore;
import io.bellwether.core.spi.NodeContext;
import io.bellwether.core.spi.Settings;
import io.bellwether.core.spi.Snapshot;
import io.bellwether.storage.mapdb.MapDbStorageProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Entries per second appended and made durable (append, then sync) in batches of 1, 16 and 256
 * entries of 100 B: the in-memory store, MapDbLogStore, and two baselines, the disk's own limit on
 * this machine: "raw", one FileChannel.write of the same encoded bytes appended to a growing file
 * plus force(false) (fdatasync) per batch; and "raw-prealloc", the same positional write into a
 * zero-filled, preallocated file plus force(false), which is what MapDbLogStore's WAL does (its
 * fdatasync then has no file size to update), so the fair ceiling for it.
 *
 * <p>Files go to {@code -Dbench.dir} (default: the JVM's temp dir); each iteration starts on a fresh
 * store. Every 64 Ki entries the log is compacted (a snapshot saved, the prefix dropped, synced; for
 * raw: the file truncated), as a node does after a snapshot, so memory and files stay bounded; that
 * cost is included.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class LogStoreBenchmark {

  private static final long COMPACT_AFTER_ENTRIES = 64 * 1024;

  /** Size of the raw-prealloc file, as a WAL segment: compaction resets the position long before its end. */
  private static final long PREALLOCATED_BYTES = 64L << 20;

  /**
   * {@code raw-prealloc} is not a default value (the CI smoke test counts the default cases); ask for
   * it with {@code -p store=inmem,mapdb,raw,raw-prealloc}.
   */
  @Param({"inmem", "mapdb", "raw"})
  public String store;

  private final byte[] data = Payloads.bytes(Payloads.VALUE_BYTES);
  private Path trialDir;
  private Path iterationDir;
  private int iteration;
  private LogStore logStore;
  private FileChannel rawFile;
  private long rawPosition;
  private Map<Integer, ByteBuffer> rawBatches;
  private long lastIndex;
  private long entriesSinceCompaction;

  @Setup(Level.Trial)
  public void createDirectory() throws IOException {
    Path parent = Path.of(System.getProperty("bench.dir", System.getProperty("java.io.tmpdir")));
    trialDir = Files.createTempDirectory(parent, "bellwether-logstore-");
    rawBatches = Map.of(1, encoded(1), 16, encoded(16), 256, encoded(256));
  }

  @Setup(Level.Iteration)
  public void openStore() throws IOException {
    iterationDir = Files.createDirectory(trialDir.resolve("iteration-" + iteration++));
    lastIndex = 0;
    rawPosition = 0;
    entriesSinceCompaction = 0;
    switch (store) {
      case "inmem" -> logStore = new InMemoryLogStore();
      case "mapdb" -> logStore = new MapDbStorageProvider()
          .open(new NodeContext("bench", "n1", iterationDir, Settings.empty()));
      case "raw" -> rawFile = FileChannel.open(iterationDir.resolve("raw.log"),
          StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      case "raw-prealloc" -> rawFile = preallocated(iterationDir.resolve("raw.log"));
      default -> throw new IllegalArgumentException("unknown store " + store);
    }
  }

  @TearDown(Level.Iteration)
  public void closeStore() throws IOException {
    if (logStore != null) logStore.close();
    if (rawFile != null) rawFile.close();
    logStore = null;
    rawFile = null;
    deleteRecursively(iterationDir);
  }

  @TearDown(Level.Trial)
  public void deleteDirectory() throws IOException {
    deleteRecursively(trialDir);
  }

  @Benchmark
  public long batchOf1() {
    return appendAndSync(1);
  }

  @Benchmark
  @OperationsPerInvocation(16)
  public long batchOf16() {
    return appendAndSync(16);
  }

  @Benchmark
  @OperationsPerInvocation(256)
  public long batchOf256() {
    return appendAndSync(256);
  }

  private long appendAndSync(int count) {
    if (rawFile != null) {
      writeAndForce(rawBatches.get(count).duplicate());
    } else {
      logStore.append(Payloads.entries(lastIndex + 1, count, data));
      logStore.sync();
    }
    lastIndex += count;
    entriesSinceCompaction += count;
    if (entriesSinceCompaction >= COMPACT_AFTER_ENTRIES) compact();
    return lastIndex;
  }

  private void writeAndForce(ByteBuffer bytes) {
    try {
      if (store.equals("raw-prealloc")) {
        while (bytes.hasRemaining()) rawPosition += rawFile.write(bytes, rawPosition);
      } else {
        while (bytes.hasRemaining()) rawFile.write(bytes);
      }
      rawFile.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void compact() {
    entriesSinceCompaction = 0;
    if (rawFile != null) {
      if (store.equals("raw-prealloc")) {
        rawPosition = 0;
        return;
      }
      try {
        rawFile.truncate(0);
        rawFile.force(false);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return;
    }
    logStore.saveSnapshot(new Snapshot(lastIndex, 1, new byte[0]));
    logStore.compactPrefix(lastIndex);
    logStore.sync();
  }

  private static FileChannel preallocated(Path file) throws IOException {
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    ByteBuffer zeros = ByteBuffer.allocate(1 << 20);
    for (long at = 0; at < PREALLOCATED_BYTES; ) {
      zeros.clear();
      at += channel.write(zeros, at);
    }
    channel.force(true);
    return channel;
  }

  /** The encoded bytes of {@code count} entries: encoding is the store's work, not the disk's. */
  private ByteBuffer encoded(int count) {
    List<LogEntry> entries = Payloads.entries(1, count, data);
    ByteBuffer all = ByteBuffer.allocateDirect(entries.stream().mapToInt(e -> (int) LogEntryCodec.encodedSize(e)).sum());
    for (LogEntry e : entries) all.put(LogEntryCodec.encode(e));
    return all.flip();
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (dir == null || !Files.exists(dir)) return;
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
    }
  }
}
