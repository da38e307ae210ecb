package io.bellwether.bench.load;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * One worker's figures. Touched only on the worker's own event-loop context, so nothing here is
 * synchronized; {@link #merge} adds them up once the workers have stopped.
 */
final class WorkerStats {

  /** Latencies in microseconds, up to an hour, 3 significant digits. */
  static Histogram newHistogram() {
    return new Histogram(TimeUnit.HOURS.toMicros(1), 3);
  }

  final Histogram reads = newHistogram();
  final Histogram writes = newHistogram();
  final Map<String, Long> errors = new TreeMap<>();
  long readErrors;
  long writeErrors;
  long notFound;
  /** Requests sent whose (intended) start fell inside the measured window. */
  long sent;
  /** Rate mode: send slots that were due before the end but not sent, the worker being behind. */
  long unsent;

  void success(boolean read, long micros, boolean notFoundRead) {
    (read ? reads : writes).recordValue(Math.max(0, Math.min(micros, reads.getHighestTrackableValue())));
    if (notFoundRead) notFound++;
  }

  void error(boolean read, String kind) {
    errors.merge(kind, 1L, Long::sum);
    if (read) readErrors++;
    else writeErrors++;
  }

  void merge(WorkerStats o) {
    reads.add(o.reads);
    writes.add(o.writes);
    o.errors.forEach((k, v) -> errors.merge(k, v, Long::sum));
    readErrors += o.readErrors;
    writeErrors += o.writeErrors;
    notFound += o.notFound;
    sent += o.sent;
    unsent += o.unsent;
  }

  long successes() {
    return reads.getTotalCount() + writes.getTotalCount();
  }

  long errorCount() {
    return readErrors + writeErrors;
  }
}
