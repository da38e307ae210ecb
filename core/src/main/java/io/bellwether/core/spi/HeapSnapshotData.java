package io.bellwether.core.spi;

import java.util.Arrays;
import java.util.Objects;
import java.util.zip.CRC32C;

/** {@link SnapshotData#of}: bytes in the heap, their checksum computed once, on first use. */
final class HeapSnapshotData implements SnapshotData {

  private final byte[] bytes;
  private boolean checksummed;
  private int checksum;

  HeapSnapshotData(byte[] bytes) {
    this.bytes = Objects.requireNonNull(bytes, "bytes");
  }

  @Override
  public long size() {
    return bytes.length;
  }

  @Override
  public int checksum() {
    if (!checksummed) {
      CRC32C crc = new CRC32C();
      crc.update(bytes, 0, bytes.length);
      checksum = (int) crc.getValue();
      checksummed = true;
    }
    return checksum;
  }

  @Override
  public byte[] read(long offset, int maxBytes) {
    if (offset < 0 || offset > bytes.length || maxBytes < 0) {
      throw new IllegalArgumentException(
          "read of " + maxBytes + " bytes at " + offset + " from snapshot data of " + bytes.length);
    }
    int from = (int) offset;
    return Arrays.copyOfRange(bytes, from, from + Math.min(maxBytes, bytes.length - from));
  }

  @Override
  public String toString() {
    return "SnapshotData[" + bytes.length + "B in heap]";
  }
}
