package io.bellwether.storage.mapdb.kv;

import io.bellwether.core.kv.Versioned;
import java.io.ByteArrayOutputStream;

/**
 * How a layer file stores a value: a flag byte (1: a value, 0: a tombstone, the key's deletion, which
 * hides the key in older layers; 2: a value kept in the layer's blob file), then the version and the
 * lease as variable-length longs, then the value's bytes (for flag 2: their offset and length in the
 * blob file). Tombstones are dropped when a merge reaches the oldest layer: nothing is left to hide.
 *
 * <p>Why a blob file: a MapDB sorted table packs a node of entries into one page and cannot hold a
 * node larger than a page, so values above {@link #INLINE_MAX_BYTES} (values may be up to 64 MiB) live
 * beside the table. Everything outside {@link Layer} sees only flags 0 and 1.
 */
final class LayerValue {

  /** Marks a deleted key in an overlay: compared by identity. */
  static final Versioned TOMBSTONE = new Versioned(new byte[0], Long.MAX_VALUE, 0);

  private static final byte[] TOMBSTONE_BYTES = {0};

  /**
   * The largest encoded value kept in the table itself. With {@link Layer}'s 64 KiB pages of 8-entry
   * nodes, an entry may take 8 KiB: a key of at most 1 KiB and this leave room to spare.
   */
  static final int INLINE_MAX_BYTES = 4096;

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

  /** Whether {@code raw} (flag 1) is too large for the table: its value goes to the blob file. */
  static boolean goesOutside(byte[] raw) {
    return raw[0] == 1 && raw.length > INLINE_MAX_BYTES;
  }

  /** The length of {@code raw}'s flag, version and lease: where the value's bytes start. */
  static int headerLength(byte[] raw) {
    int[] pos = {1};
    varLong(raw, pos);
    varLong(raw, pos);
    return pos[0];
  }

  /** The table's entry for {@code raw} (flag 1) whose value bytes were written at {@code offset}. */
  static byte[] outside(byte[] raw, long offset) {
    int header = headerLength(raw);
    ByteArrayOutputStream out = new ByteArrayOutputStream(header + 20);
    out.write(2);
    out.write(raw, 1, header - 1);
    varLong(out, offset);
    varLong(out, raw.length - header);
    return out.toByteArray();
  }

  static boolean isOutside(byte[] raw) {
    return raw[0] == 2;
  }

  /** A flag-2 entry's {version-and-lease header bytes end, blob offset, value length}. */
  static long[] outsideLocation(byte[] raw) {
    int[] pos = {1};
    varLong(raw, pos);
    varLong(raw, pos);
    int headerEnd = pos[0];
    long offset = varLong(raw, pos);
    long length = varLong(raw, pos);
    return new long[] {headerEnd, offset, length};
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
