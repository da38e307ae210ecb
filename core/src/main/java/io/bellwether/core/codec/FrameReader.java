package io.bellwether.core.codec;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads the primitive fields of a frame, checking every read against the bytes that remain before it
 * happens, and every length or count before anything is allocated for it. Input comes from the network
 * or from disk, so a hostile or corrupt length must fail here rather than become a huge allocation.
 *
 * <p>Not thread-safe: one reader serves one decode call.
 */
final class FrameReader {

  private final ByteBuffer in;
  // Created on first use: a CharsetDecoder is stateful, so it cannot be shared between threads.
  private CharsetDecoder utf8;

  /** Reads {@code in} from its position to its limit; offsets are relative to that position. */
  FrameReader(ByteBuffer in) {
    this.in = in.slice(); // a slice is big-endian and starts at offset 0, whatever the caller's buffer
  }

  int offset() {
    return in.position();
  }

  int remaining() {
    return in.remaining();
  }

  byte readByte(String field) {
    require(1, field);
    return in.get();
  }

  int readInt(String field) {
    require(4, field);
    return in.getInt();
  }

  long readLong(String field) {
    require(8, field);
    return in.getLong();
  }

  /** A long that must be at least {@code min}, such as a term or an index. */
  long readLongAtLeast(long min, String field) {
    int at = offset();
    long value = readLong(field);
    if (value < min) throw new CodecException(field + " must be >= " + min + ", was " + value, at);
    return value;
  }

  /** One byte, 0 or 1; anything else is corruption, not "true". */
  boolean readBoolean(String field) {
    int at = offset();
    byte b = readByte(field);
    if (b == 0) return false;
    if (b == 1) return true;
    throw new CodecException(field + " must be a boolean 0 or 1, was " + b, at);
  }

  /**
   * A count of items that each take at least {@code minItemBytes}: checked against what remains, so
   * the caller can size a collection by it safely.
   */
  int readCount(int minItemBytes, String field) {
    int at = offset();
    int count = readInt(field);
    if (count < 0) throw new CodecException(field + " must be >= 0, was " + count, at);
    if ((long) count * minItemBytes > in.remaining()) {
      throw new CodecException(
          field + " " + count + " needs at least " + (long) count * minItemBytes + " bytes, only "
              + in.remaining() + " remain",
          at);
    }
    return count;
  }

  /** A 4-byte length followed by that many bytes. */
  byte[] readSizedBytes(String field) {
    int at = offset();
    int length = readInt(field + " length");
    if (length < 0) throw new CodecException(field + " length must be >= 0, was " + length, at);
    if (length > in.remaining()) {
      throw new CodecException(
          field + " length " + length + " exceeds the " + in.remaining() + " bytes that remain", at);
    }
    byte[] bytes = new byte[length];
    in.get(bytes);
    return bytes;
  }

  /** A node id: an unsigned length byte, then that many bytes of strict UTF-8. */
  String readNodeId(String field) {
    int at = offset();
    int length = readByte(field + " length") & 0xFF;
    require(length, field);
    ByteBuffer bytes = in.slice().limit(length);
    in.position(in.position() + length);
    try {
      return decoder().decode(bytes).toString();
    } catch (CharacterCodingException e) {
      throw new CodecException(field + " is not valid UTF-8", at, e);
    }
  }

  /** Throws unless {@code byteCount} bytes remain. */
  void require(int byteCount, String field) {
    if (in.remaining() < byteCount) {
      throw new CodecException(
          "truncated: " + field + " needs " + byteCount + " bytes, only " + in.remaining() + " remain",
          offset());
    }
  }

  private CharsetDecoder decoder() {
    if (utf8 == null) {
      utf8 =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT);
    }
    utf8.reset();
    return utf8;
  }
}
