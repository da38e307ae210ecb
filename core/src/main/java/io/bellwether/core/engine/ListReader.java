package io.bellwether.core.engine;

import io.bellwether.core.LogEntry;
import java.util.List;

/**
 * The entries an engine was built with, as a {@link LogReader}, for a log that keeps every entry in
 * memory: it reads them once at start and never again.
 */
record ListReader(long snapshotIndex, List<LogEntry> stored) implements LogReader {

  @Override
  public List<LogEntry> entries(long fromIndex, long toIndex, long maxBytes) {
    return stored.subList((int) (fromIndex - snapshotIndex - 1), (int) (toIndex - snapshotIndex - 1));
  }

  @Override
  public long term(long index) {
    return stored.get((int) (index - snapshotIndex - 1)).term();
  }
}
