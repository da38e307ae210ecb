package io.bellwether.storage.mapdb;

import io.bellwether.core.LogEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A rough append+sync measurement for the README (the JMH benchmark lives in {@code benchmarks}):
 * batches of 1, 16 and 256 entries of 100 bytes, one sync per batch, against a raw FileChannel
 * write+force baseline on the same disk. Run: {@code java -cp <test classpath>
 * io.bellwether.storage.mapdb.MapDbLogStoreThroughput [dir] [seconds]}.
 */
public final class MapDbLogStoreThroughput {

  private MapDbLogStoreThroughput() {}

  public static void main(String[] args) throws IOException {
    Path root = Files.createTempDirectory(args.length > 0 ? Path.of(args[0]) : Path.of(System.getProperty("java.io.tmpdir")), "bw-tput");
    double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3;
    for (int batch : new int[] {1, 16, 256}) {
      measureStore(root.resolve("store-" + batch), batch, 0.5); // warm-up
      double[] store = measureStore(root.resolve("store2-" + batch), batch, seconds);
      double[] raw = measureRaw(root.resolve("raw-" + batch), batch, seconds);
      System.out.printf("batch %3d x 100 B: MapDbLogStore %9.0f entries/s (%6.0f syncs/s, p50 %.2f ms, p99 %.2f ms)"
              + " | raw write+force %9.0f entries/s (%6.0f forces/s) | ratio %.2f%n",
          batch, store[0] * batch, store[0], store[1], store[2], raw[0] * batch, raw[0], store[0] / raw[0]);
    }
  }

  /** @return syncs per second, p50 and p99 latency of one append+sync in ms */
  private static double[] measureStore(Path dir, int batch, double seconds) {
    byte[] data = new byte[100];
    List<Long> nanos = new ArrayList<>();
    try (MapDbLogStore store = MapDbLogStore.open(dir)) {
      long next = 1;
      long end = System.nanoTime() + (long) (seconds * 1e9);
      while (System.nanoTime() < end) {
        List<LogEntry> entries = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) entries.add(LogEntry.command(1, next + i, data));
        long t0 = System.nanoTime();
        store.append(entries);
        store.sync();
        nanos.add(System.nanoTime() - t0);
        next += batch;
      }
    }
    return stats(nanos);
  }

  private static double[] measureRaw(Path file, int batch, double seconds) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(batch * 128);
    List<Long> nanos = new ArrayList<>();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      long end = System.nanoTime() + (long) (seconds * 1e9);
      while (System.nanoTime() < end) {
        long t0 = System.nanoTime();
        buffer.clear();
        ch.write(buffer);
        ch.force(false);
        nanos.add(System.nanoTime() - t0);
      }
    }
    return stats(nanos);
  }

  private static double[] stats(List<Long> nanos) {
    long[] sorted = nanos.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(sorted);
    double totalSeconds = Arrays.stream(sorted).sum() / 1e9;
    return new double[] {
      sorted.length / totalSeconds, sorted[sorted.length / 2] / 1e6, sorted[(int) (sorted.length * 0.99)] / 1e6
    };
  }
}
