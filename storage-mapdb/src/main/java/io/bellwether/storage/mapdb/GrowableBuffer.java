package io.bellwether.storage.mapdb;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A reusable heap buffer that grows as records are written into it, so that one sync's whole frame
 * is built in one array and reaches the file in one write. Big-endian, like {@link ByteBuffer}.
 */
final class GrowableBuffer {

  private byte[] bytes;
  private ByteBuffer view;

  GrowableBuffer(int initialCapacity) {
    bytes = new byte[initialCapacity];
    view = ByteBuffer.wrap(bytes);
  }

  /** Empties the buffer and leaves {@code reserved} zero bytes at its start (for a header). */
  void reset(int reserved) {
    ensure(reserved);
    Arrays.fill(bytes, 0, reserved, (byte) 0);
    view.clear().position(reserved);
  }

  int position() {
    return view.position();
  }

  byte[] array() {
    return bytes;
  }

  GrowableBuffer put(byte b) {
    ensure(1).put(b);
    return this;
  }

  GrowableBuffer put(byte[] b) {
    ensure(b.length).put(b);
    return this;
  }

  GrowableBuffer putInt(int v) {
    ensure(4).putInt(v);
    return this;
  }

  GrowableBuffer putLong(long v) {
    ensure(8).putLong(v);
    return this;
  }

  /** Overwrites 4 bytes at {@code at} (a length or checksum filled in after the fact). */
  void putIntAt(int at, int v) {
    view.putInt(at, v);
  }

  void putLongAt(int at, long v) {
    view.putLong(at, v);
  }

  /** Writes a record's type and a length placeholder; returns where the length goes. */
  int beginRecord(byte type) {
    put(type);
    int at = position();
    putInt(0);
    return at;
  }

  /** Fills in the length of the record begun at {@code lengthAt}. */
  void endRecord(int lengthAt) {
    putIntAt(lengthAt, position() - lengthAt - 4);
  }

  /** Pads with zeros up to a multiple of {@code alignment}. */
  void align(int alignment) {
    int pad = (alignment - position() % alignment) % alignment;
    ensure(pad);
    for (int i = 0; i < pad; i++) view.put((byte) 0);
  }

  private ByteBuffer ensure(int more) {
    int need = view.position() + more;
    if (need > bytes.length) {
      int position = view.position();
      bytes = Arrays.copyOf(bytes, Math.max(need, bytes.length * 2));
      view = ByteBuffer.wrap(bytes);
      view.position(position);
    }
    return view;
  }
}
