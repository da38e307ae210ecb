package io.bellwether.core.engine;

import io.bellwether.core.spi.SnapshotSink;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link SnapshotSink} that records what it is given, as an on-disk one would write it: each chunk,
 * in order, then completed (returning a local form unlike the bytes received) or aborted.
 */
final class RecordingSink implements SnapshotSink {

  /** Every sink opened through {@link #factory}, oldest first. */
  static final class Opened {
    final List<RecordingSink> sinks = new ArrayList<>();

    SnapshotPorts.Sinks factory() {
      return (lastIndex, totalBytes) -> {
        RecordingSink s = new RecordingSink(lastIndex, totalBytes);
        sinks.add(s);
        return s;
      };
    }

    RecordingSink last() {
      return sinks.get(sinks.size() - 1);
    }
  }

  final long lastIndex;
  final long totalBytes;
  final List<byte[]> chunks = new ArrayList<>();
  final ByteArrayOutputStream written = new ByteArrayOutputStream();
  boolean completed;
  int aborts;
  RuntimeException failWrites;

  RecordingSink(long lastIndex, long totalBytes) {
    this.lastIndex = lastIndex;
    this.totalBytes = totalBytes;
  }

  /** The local form a completed sink returns: names what it received, is not those bytes. */
  static byte[] localFormOf(long lastIndex, long bytes) {
    return ("manifest@" + lastIndex + ":" + bytes).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void write(byte[] chunk) {
    if (completed || aborts > 0) throw new AssertionError("write after the sink ended");
    if (failWrites != null) throw failWrites;
    chunks.add(chunk);
    written.writeBytes(chunk);
  }

  @Override
  public byte[] complete() {
    if (completed || aborts > 0) throw new AssertionError("complete after the sink ended");
    completed = true;
    return localFormOf(lastIndex, written.size());
  }

  @Override
  public void abort() {
    aborts++;
  }
}
