package io.bellwether.core.runtime;

import io.bellwether.core.HardState;
import io.bellwether.core.LogEntry;
import io.bellwether.core.inmem.InMemoryLogStore;
import io.bellwether.core.spi.LogStore;
import io.bellwether.core.spi.Snapshot;
import io.bellwether.core.spi.StorageException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An in-memory store whose slow parts a test holds still: any write of snapshot data waits for
 * {@link #disk}, and once {@link #holdNextSync} is called the next {@code sync()} waits for {@link
 * #releaseSync} (so the node thread stands still at a known point while the test lines up events).
 */
final class GatedStore implements LogStore {
  final InMemoryLogStore inner = new InMemoryLogStore();
  final CountDownLatch disk = new CountDownLatch(1);
  final Set<Snapshot> prepared = ConcurrentHashMap.newKeySet();
  volatile boolean failNextPrepare;
  private volatile CountDownLatch syncGate;
  volatile boolean syncHeld;

  private static void await(CountDownLatch latch, String what) {
    try {
      if (!latch.await(60, TimeUnit.SECONDS)) throw new StorageException(what + " never came back");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageException("interrupted", e);
    }
  }

  void holdNextSync() {
    syncGate = new CountDownLatch(1);
  }

  void releaseSync() {
    syncGate.countDown();
  }

  @Override
  public void prepareSnapshot(Snapshot snapshot) {
    if (failNextPrepare) {
      failNextPrepare = false;
      throw new StorageException("no space left on device (test)");
    }
    await(disk, "disk");
    prepared.add(snapshot);
  }

  @Override
  public void saveSnapshot(Snapshot snapshot) {
    if (!prepared.remove(snapshot)) await(disk, "disk"); // not prepared: the data is written here
    inner.saveSnapshot(snapshot);
  }

  @Override
  public void sync() {
    CountDownLatch gate = syncGate;
    if (gate != null) {
      syncHeld = true;
      await(gate, "sync gate");
      syncGate = null;
      syncHeld = false;
    }
    inner.sync();
  }

  @Override public HardState hardState() { return inner.hardState(); }
  @Override public void saveHardState(HardState state) { inner.saveHardState(state); }
  @Override public long firstIndex() { return inner.firstIndex(); }
  @Override public long lastIndex() { return inner.lastIndex(); }
  @Override public long term(long index) { return inner.term(index); }
  @Override public List<LogEntry> entries(long from, long to, long maxBytes) { return inner.entries(from, to, maxBytes); }
  @Override public void append(List<LogEntry> entries) { inner.append(entries); }
  @Override public void truncateSuffix(long fromIndex) { inner.truncateSuffix(fromIndex); }
  @Override public void compactPrefix(long upToIndex) { inner.compactPrefix(upToIndex); }
  @Override public Optional<Snapshot> snapshot() { return inner.snapshot(); }
  @Override public void close() { inner.close(); }
}
