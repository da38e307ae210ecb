package io.bellwether.bench.load;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Successes and errors per 100 ms bucket, by completion time since the start of the run (warm-up
 * included). Shared by all workers: one atomic add per operation.
 */
final class Timeline {

  static final long BUCKET_NANOS = 100_000_000L;
  private final long startNanos;
  private final AtomicLongArray ok;
  private final AtomicLongArray errors;

  Timeline(long startNanos, long maxRunNanos) {
    this.startNanos = startNanos;
    int buckets = (int) Math.min(Integer.MAX_VALUE - 8, maxRunNanos / BUCKET_NANOS + 2);
    ok = new AtomicLongArray(buckets);
    errors = new AtomicLongArray(buckets);
  }

  void record(long completedNanos, boolean success) {
    int bucket = (int) Math.max(0, Math.min(ok.length() - 1, (completedNanos - startNanos) / BUCKET_NANOS));
    (success ? ok : errors).incrementAndGet(bucket);
  }

  /** The bucket index of an instant. */
  int bucketOf(long nanos) {
    return (int) Math.max(0, Math.min(ok.length() - 1, (nanos - startNanos) / BUCKET_NANOS));
  }

  /** Buckets up to the last one with anything in it (at least one row). */
  int used() {
    for (int i = ok.length() - 1; i >= 0; i--) {
      if (ok.get(i) + errors.get(i) > 0) return i + 1;
    }
    return 1;
  }

  long successes(int bucket) {
    return ok.get(bucket);
  }

  long errors(int bucket) {
    return errors.get(bucket);
  }

  /** The longest run of buckets with no success, among buckets {@code from..used()-1}, in ms. */
  long longestGapMs(int from) {
    int longest = 0;
    int run = 0;
    for (int i = Math.max(0, from); i < used(); i++) {
      run = ok.get(i) == 0 ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
    return longest * (BUCKET_NANOS / 1_000_000L);
  }

  /** CSV {@code timeMs,successes,errors}, one row per bucket; timeMs is the bucket's start. */
  void writeCsv(Path file) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("timeMs,successes,errors\n");
      for (int i = 0; i < used(); i++) {
        w.write(i * (BUCKET_NANOS / 1_000_000L) + "," + ok.get(i) + "," + errors.get(i) + "\n");
      }
    }
  }
}
