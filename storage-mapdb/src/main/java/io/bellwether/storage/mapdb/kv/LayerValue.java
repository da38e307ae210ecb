package io.bellwether.storage.mapdb.kv;

import io.bellwether.core.kv.Versioned;
import java.io.ByteArrayOutputStream;

/**
 * How a layer file stores a value: a flag byte (1: a value, 0: a tombstone, the key's deletion, which
 * hides the key in older layers), then the version and the lease as variable-length longs, then the
 * value's bytes. Tombstones are dropped when a merge reaches the oldest layer: nothing is left to hide.
 */
final class LayerValue {

  /** Marks a deleted key in an overlay: compared by identity. */
  static final Versioned TOMBSTONE = new Versioned(new byte[0], Long.MAX_VALUE, 0);

  private static final byte[] TOMBSTONE_BYTES = {0};

  private LayerValue() {}

  static byte[] encode(Versioned v) {
    if (v == TOMBSTONE) return TOMBSTONE_BYTES;
    ByteArrayOutputStream out = new ByteArrayOutputStream(v.value().length + 12);
    out.write(1);
    varLong(out, v.version());
    varLong(out, v.lease());
    out.writeBytes(v.value());
    return out.toByteArray();
  }

  static boolean isTombstone(byte[] raw) {
    return raw[0] == 0;
  }

  /**
   * @throws IllegalStateException if {@code raw} is not an encoded value (a damaged file)
   */
  static Versioned decode(byte[] raw) {
    if (isTombstone(raw)) return TOMBSTONE;
    if (raw[0] != 1) throw new IllegalStateException("layer value with flag " + raw[0]);
    int[] pos = {1};
    long version = varLong(raw, pos);
    long lease = varLong(raw, pos);
    byte[] value = new byte[raw.length - pos[0]];
    System.arraycopy(raw, pos[0], value, 0, value.length);
    return new Versioned(value, version, lease);
  }

  private static void varLong(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  private static long varLong(byte[] raw, int[] pos) {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      byte b = raw[pos[0]++];
      result |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) return result;
    }
    throw new IllegalStateException("varint longer than 10 bytes in a layer value");
  }
}
