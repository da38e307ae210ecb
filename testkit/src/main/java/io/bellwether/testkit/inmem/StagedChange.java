package io.bellwether.testkit.inmem;

import io.bellwether.core.LogEntry;
import io.bellwether.core.inmem.LogImage;
import io.bellwether.core.spi.Snapshot;
import java.util.List;

/**
 * A log change staged since the last sync, kept in order so that a simulated crash can replay a
 * prefix of them onto the durable image: the disk wrote some of what it was told, in order.
 */
sealed interface StagedChange {

  void applyTo(LogImage image);

  record Append(List<LogEntry> entries) implements StagedChange {
    public Append {
      entries = List.copyOf(entries);
    }

    @Override
    public void applyTo(LogImage image) {
      image.append(entries);
    }

    /** Applies only the first {@code count} entries: a torn write that kept whole entries. */
    void applyPrefixTo(LogImage image, int count) {
      image.append(entries.subList(0, count));
    }
  }

  record TruncateSuffix(long fromIndex) implements StagedChange {
    @Override
    public void applyTo(LogImage image) {
      image.truncateSuffix(fromIndex);
    }
  }

  record CompactPrefix(long upToIndex) implements StagedChange {
    @Override
    public void applyTo(LogImage image) {
      image.compactPrefix(upToIndex);
    }
  }

  record SaveSnapshot(Snapshot snapshot) implements StagedChange {
    @Override
    public void applyTo(LogImage image) {
      image.saveSnapshot(snapshot);
    }
  }
}
