package io.bellwether.storage.mapdb;

import io.bellwether.core.spi.Snapshot;

/**
 * What the WAL says about a snapshot: its last index and term, the file holding it, and the length
 * and CRC32C of its data, checked when the file is loaded. The SNAPSHOT record that carries it is
 * the atomic switch from the previous snapshot to this one.
 */
record SnapshotRef(long lastIndex, long lastTerm, String fileName, long length, int crc) {

  private static final byte[] NO_DATA = new byte[0];

  /** The snapshot's index and term without its data, for argument checks and messages. */
  Snapshot shape() {
    return new Snapshot(lastIndex, lastTerm, NO_DATA);
  }
}
