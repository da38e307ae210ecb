package io.bellwether.storage.mapdb.kv;

/**
 * One immutable layer as a manifest names it: its table file {@code name + ".sst"} and, unless it is
 * the oldest layer, a Bloom filter file {@code name + ".bloom"} ({@code bloomBytes == 0}: none),
 * and, if any value was too large to sit in the table's pages, a blob file {@code name + ".blob"}
 * holding those values ({@code blobBytes == 0}: none), with their sizes and CRC32Cs (checked when a
 * follower receives them) and the number of entries (tombstones included).
 */
record LayerFile(String name, long tableBytes, int tableCrc, long bloomBytes, int bloomCrc, long blobBytes,
    int blobCrc, long entries) {

  String tableFile() {
    return name + ".sst";
  }

  String bloomFile() {
    return name + ".bloom";
  }

  String blobFile() {
    return name + ".blob";
  }

  boolean hasBloom() {
    return bloomBytes > 0;
  }

  boolean hasBlob() {
    return blobBytes > 0;
  }

  /** Both files' bytes: what this layer adds to a snapshot sent to a follower. */
  long totalBytes() {
    return tableBytes + bloomBytes + blobBytes;
  }
}
