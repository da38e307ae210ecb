package io.bellwether.node.http;

import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The HTTP writes this node answered (put, delete, compare-and-set; any outcome) since the last
 * sample: how many per second and their p99, for the event stream's status frames. Cumulative
 * metrics cannot give a rate and a percentile <em>of the last half second</em>; an HdrHistogram
 * {@link Recorder} can, without locks on the recording side.
 *
 * <p>Threads: {@link #record} from any thread (Vert.x event loops); {@link #sample} from one
 * thread at a time (the status timer), since each sample takes the interval away.
 */
final class WriteWindow {

  /** Latencies above an hour are clamped to it (they are failures by then anyway). */
  private static final long MAX_MICROS = 3_600_000_000L;

  private final Recorder recorder = new Recorder(MAX_MICROS, 2);
  private Histogram recycled;
  private long lastSampleNanos = System.nanoTime();

  /** One write answered {@code nanos} after its request arrived. */
  void record(long nanos) {
    recorder.recordValue(Math.min(MAX_MICROS, Math.max(0, nanos / 1_000)));
  }

  /**
   * The writes answered since the previous sample: {@code {"perSecond": r, "p99Ms": p}}, {@code
   * p99Ms} null when there were none.
   */
  JsonObject sample() {
    long now = System.nanoTime();
    recycled = recorder.getIntervalHistogram(recycled);
    double seconds = Math.max(1e-3, (now - lastSampleNanos) / 1e9);
    lastSampleNanos = now;
    long count = recycled.getTotalCount();
    Double p99 = count == 0 ? null : recycled.getValueAtPercentile(99) / 1_000.0;
    return new JsonObject().put("perSecond", Math.round(count / seconds * 10) / 10.0).put("p99Ms", p99);
  }
}
