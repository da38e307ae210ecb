package io.bellwether.bench;

import io.bellwether.core.LogEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** The data every benchmark uses: fixed-seed random bytes, so each run measures the same input. */
final class Payloads {

  /** The payload size the benchmarks and the project's targets talk about. */
  static final int VALUE_BYTES = 100;

  private static final long SEED = 42;

  private Payloads() {}

  /** {@code size} random bytes, the same on every call. */
  static byte[] bytes(int size) {
    byte[] b = new byte[size];
    new SplittableRandom(SEED).nextBytes(b);
    return b;
  }

  /** {@code count} command entries of term 1 from {@code firstIndex} on, each holding {@code data}. */
  static List<LogEntry> entries(long firstIndex, int count, byte[] data) {
    List<LogEntry> batch = new ArrayList<>(count);
    for (int i = 0; i < count; i++) batch.add(LogEntry.command(1, firstIndex + i, data));
    return batch;
  }
}
