package io.bellwether.core.codec;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Builds frames and records byte by byte, so tests can write exactly the malformed input they mean,
 * and the layout they assume is spelled out in the test rather than borrowed from the codec.
 */
final class Frames {

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final DataOutputStream out = new DataOutputStream(bytes);

  /** A frame header: the codec's version, the type, ids "a" and "b", term 1. */
  static Frames header(int type) {
    return new Frames().i8(MessageCodec.VERSION).i8(type).id("a").id("b").i64(1);
  }

  Frames i8(int value) {
    return write(() -> out.writeByte(value));
  }

  Frames i32(int value) {
    return write(() -> out.writeInt(value));
  }

  Frames i64(long value) {
    return write(() -> out.writeLong(value));
  }

  Frames id(String id) {
    byte[] utf8 = id.getBytes(StandardCharsets.UTF_8);
    return i8(utf8.length).raw(utf8);
  }

  Frames raw(byte... raw) {
    return write(() -> out.write(raw));
  }

  /** A 4-byte length, then the bytes. */
  Frames sized(byte[] raw) {
    return i32(raw.length).raw(raw);
  }

  /** An entry header with no data following: term, index, type code, data length. */
  Frames entryHeader(long term, long index, int typeCode, int dataLength) {
    return i64(term).i64(index).i8(typeCode).i32(dataLength);
  }

  byte[] bytes() {
    return bytes.toByteArray();
  }

  private Frames write(IoAction action) {
    try {
      action.run();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  private interface IoAction {
    void run() throws IOException;
  }
}
