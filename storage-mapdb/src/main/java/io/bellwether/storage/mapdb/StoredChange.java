package io.bellwether.storage.mapdb;

/**
 * A log change staged since the last sync, in the form it is applied to each MapDB copy. The store
 * decides everything (what to cut, whether a snapshot clears the log) when the change is staged, so
 * applying it is mechanical and gives both copies the same content.
 */
sealed interface StoredChange {

  void applyTo(MapDbCopy copy);

  /** An appended batch: first removes whatever the log holds from its first index on. */
  record PutBatch(long firstIndex, byte[] batch) implements StoredChange {
    @Override
    public void applyTo(MapDbCopy copy) {
      copy.truncateFrom(firstIndex);
      copy.putBatch(firstIndex, batch);
    }
  }

  record TruncateFrom(long fromIndex) implements StoredChange {
    @Override
    public void applyTo(MapDbCopy copy) {
      copy.truncateFrom(fromIndex);
    }
  }

  record CompactTo(long upToIndex) implements StoredChange {
    @Override
    public void applyTo(MapDbCopy copy) {
      copy.compactTo(upToIndex);
    }
  }

  /** A snapshot; when {@code clearLogFrom > 0} the whole log goes and restarts at that index. */
  record SaveSnapshot(byte[] snapshot, long clearLogFrom) implements StoredChange {
    @Override
    public void applyTo(MapDbCopy copy) {
      if (clearLogFrom > 0) copy.clearLog(clearLogFrom);
      copy.setSnapshot(snapshot);
    }
  }
}
