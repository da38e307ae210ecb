package io.bellwether.core.inmem;

import io.bellwether.core.HardState;
import io.bellwether.core.LogEntry;
import io.bellwether.core.spi.LogStore;
import io.bellwether.core.spi.Snapshot;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link LogStore} in the heap: nothing survives the process, so {@link #sync()} has nothing to do.
 * For embedding a node whose state need not outlive it, and for tests. (The test kit's
 * crash-modelling store also records what a sync made durable.)
 *
 * <p>Beyond the {@link LogStore} contract, it rejects as programming errors an append or truncation
 * that would change entries covered by the snapshot, and a snapshot older than the compacted prefix.
 * A snapshot whose last entry the log does not hold with the same term discards the whole log (Raft
 * §7), so the log restarts right after the snapshot.
 *
 * <p>Methods are synchronized, not for the single runtime thread, but so that a test or an
 * application may inspect a store from another thread and see a consistent state. Use after {@link
 * #close()} throws {@link IllegalStateException}.
 */
public final class InMemoryLogStore implements LogStore {

  private final LogImage image = new LogImage();
  private HardState hardState = HardState.INITIAL;
  private boolean closed;

  @Override
  public synchronized HardState hardState() {
    requireOpen();
    return hardState;
  }

  @Override
  public synchronized void saveHardState(HardState state) {
    requireOpen();
    hardState = Objects.requireNonNull(state, "state");
  }

  @Override
  public synchronized long firstIndex() {
    requireOpen();
    return image.firstIndex();
  }

  @Override
  public synchronized long lastIndex() {
    requireOpen();
    return image.lastIndex();
  }

  @Override
  public synchronized long term(long index) {
    requireOpen();
    return image.term(index);
  }

  @Override
  public synchronized List<LogEntry> entries(long fromIndex, long toIndex, long maxBytes) {
    requireOpen();
    return image.entries(fromIndex, toIndex, maxBytes);
  }

  @Override
  public synchronized void append(List<LogEntry> entries) {
    requireOpen();
    image.append(entries);
  }

  @Override
  public synchronized void truncateSuffix(long fromIndex) {
    requireOpen();
    image.truncateSuffix(fromIndex);
  }

  @Override
  public synchronized void compactPrefix(long upToIndex) {
    requireOpen();
    image.compactPrefix(upToIndex);
  }

  @Override
  public synchronized Optional<Snapshot> snapshot() {
    requireOpen();
    return image.snapshot();
  }

  @Override
  public synchronized void saveSnapshot(Snapshot snapshot) {
    requireOpen();
    image.saveSnapshot(Objects.requireNonNull(snapshot, "snapshot"));
  }

  /** Nothing to make durable: the heap is all there is. */
  @Override
  public synchronized void sync() {
    requireOpen();
  }

  @Override
  public synchronized void close() {
    closed = true;
  }

  private void requireOpen() {
    if (closed) throw new IllegalStateException("log store is closed");
  }
}
