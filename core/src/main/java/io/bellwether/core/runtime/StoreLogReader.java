package io.bellwether.core.runtime;

import io.bellwether.core.LogEntry;
import io.bellwether.core.engine.LogReader;
import io.bellwether.core.spi.LogStore;
import java.util.List;
import java.util.Objects;

/**
 * The engine's {@link LogReader} over the node's {@link LogStore}: the store's reads have the very
 * contracts the reader's have, so it only passes them on. Same thread, blocking and errors as the
 * store's methods (the node thread; may read the disk; a {@code StorageException} stops the node).
 */
public final class StoreLogReader implements LogReader {

  private final LogStore store;

  public StoreLogReader(LogStore store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  @Override
  public List<LogEntry> entries(long fromIndex, long toIndex, long maxBytes) {
    return store.entries(fromIndex, toIndex, maxBytes);
  }

  @Override
  public long term(long index) {
    return store.term(index);
  }
}
