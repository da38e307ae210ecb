package io.bellwether.core.kv;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Appends the fields of a key-value message to a growable buffer. Integers are unsigned LEB128
 * varints, because versions, lengths and counts are small and a 64-bit field would mostly carry
 * zeros. Every message starts with {@link #FORMAT_VERSION} and a tag naming its type.
 */
final class WireWriter {

  /** Bumped on any incompatible change; decoders reject versions they do not know. */
  static final int FORMAT_VERSION = 1;

  private byte[] buf;
  private int size;

  WireWriter(int initialCapacity) {
    buf = new byte[Math.max(16, initialCapacity)];
  }

  /** Starts a message: format version then {@code tag}. */
  static WireWriter message(int tag, int sizeHint) {
    return new WireWriter(sizeHint + 2).u8(FORMAT_VERSION).u8(tag);
  }

  WireWriter u8(int value) {
    ensure(1);
    buf[size++] = (byte) value;
    return this;
  }

  WireWriter bool(boolean value) {
    return u8(value ? 1 : 0);
  }

  /** Unsigned varint: negative values take ten bytes, so callers shift signed fields first. */
  WireWriter varLong(long value) {
    ensure(10);
    while ((value & ~0x7FL) != 0) {
      buf[size++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    buf[size++] = (byte) value;
    return this;
  }

  /** Length-prefixed bytes. */
  WireWriter bytes(byte[] value) {
    varLong(value.length);
    ensure(value.length);
    System.arraycopy(value, 0, buf, size, value.length);
    size += value.length;
    return this;
  }

  /** Length-prefixed UTF-8; callers pass only well-formed strings (validated when built). */
  WireWriter string(String value) {
    return bytes(value.getBytes(StandardCharsets.UTF_8));
  }

  /** A string that may be absent: length + 1, with 0 meaning null. */
  WireWriter nullableString(String value) {
    if (value == null) return u8(0);
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    varLong(utf8.length + 1L);
    ensure(utf8.length);
    System.arraycopy(utf8, 0, buf, size, utf8.length);
    size += utf8.length;
    return this;
  }

  /** The number of bytes written so far (since the last {@link #reset}). */
  int size() {
    return size;
  }

  /** Forgets what was written, keeping the buffer: for writing a long encoding in pieces. */
  void reset() {
    size = 0;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buf, size);
  }

  private void ensure(int more) {
    int needed = Math.addExact(size, more);
    if (needed > buf.length) buf = Arrays.copyOf(buf, Math.max(needed, buf.length * 2));
  }
}
