package io.bellwether.core.engine;

import io.bellwether.core.spi.HeapSnapshotSink;
import io.bellwether.core.spi.Snapshot;
import io.bellwether.core.spi.SnapshotData;
import io.bellwether.core.spi.SnapshotSink;
import java.util.Objects;
import java.util.function.Function;

/**
 * Where the engine reads the snapshots it sends and writes those it receives (Raft §7), so that a
 * snapshot need not fit in the heap: the engine does no I/O of its own, it only calls these, on the
 * thread that drives it. A real node routes both to its state machine ({@code
 * StateMachine.exportSnapshot} and {@code receiveSnapshot}); {@link #IN_HEAP} keeps the bytes in
 * memory, for simulation and tests.
 *
 * @param exporter the transferred form of a snapshot this node holds, called once per transfer to
 *     one follower (the engine closes it when the transfer ends)
 * @param sinks where a snapshot from the leader goes, opened when its first chunk arrives
 */
public record SnapshotPorts(Function<Snapshot, SnapshotData> exporter, Sinks sinks) {

  /** Opens a sink for the snapshot ending at {@code lastIndex}, of {@code totalBytes} bytes. */
  @FunctionalInterface
  public interface Sinks {
    /**
     * @throws IllegalArgumentException if no sink can take {@code totalBytes}: the chunk is ignored
     *     (not answered), as if lost
     */
    SnapshotSink open(long lastIndex, long totalBytes);
  }

  /** Snapshots sent as their local bytes and received into one array: the state machine defaults. */
  public static final SnapshotPorts IN_HEAP = new SnapshotPorts(
      s -> SnapshotData.of(s.data()), (lastIndex, totalBytes) -> new HeapSnapshotSink(totalBytes));

  public SnapshotPorts {
    Objects.requireNonNull(exporter, "exporter");
    Objects.requireNonNull(sinks, "sinks");
  }
}
