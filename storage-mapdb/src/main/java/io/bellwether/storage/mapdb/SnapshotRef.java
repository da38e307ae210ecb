package io.bellwether.storage.mapdb;

import io.bellwether.core.spi.Snapshot;

/**
 * What the WAL says about a snapshot: its last index and term, the file holding it, and the length
 * and CRC32C of its data, checked when the file is loaded. The SNAPSHOT record that carries it is
 * the atomic switch from the previous snapshot to this one. The snapshot's configuration is not
 * here: it is in the file, with a checksum of its own ({@link SnapshotConfiguration}), so the WAL's
 * format did not change when snapshots began to carry one.
 */
record SnapshotRef(long lastIndex, long lastTerm, String fileName, long length, int crc) {

  private static final byte[] NO_DATA = new byte[0];

  /** The snapshot's index and term without its data or configuration, for argument checks and messages. */
  Snapshot shape() {
    return new Snapshot(lastIndex, lastTerm, NO_DATA);
  }
}
