package io.bellwether.core.kv;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * Reads the fields {@link WireWriter} wrote, failing with {@link KvFormatException} on anything
 * unexpected. Each length is checked against its limit and against the bytes left before anything is
 * allocated, so a forged length cannot make the decoder allocate more than the input's size.
 */
final class WireReader {

  private final byte[] bytes;
  private final String what;
  private int pos;

  /**
   * @param what the kind of message, for error messages ("command", "snapshot")
   */
  WireReader(byte[] bytes, String what) {
    if (bytes == null) throw new KvFormatException("malformed " + what + ": null");
    this.bytes = bytes;
    this.what = what;
  }

  /** Reads the format version and the tag, failing unless the version is known. */
  int header() {
    int version = u8();
    if (version != WireWriter.FORMAT_VERSION) throw fail("unknown format version " + version);
    return u8();
  }

  int u8() {
    if (pos >= bytes.length) throw fail("truncated");
    return bytes[pos++] & 0xFF;
  }

  boolean bool() {
    int b = u8();
    if (b > 1) throw fail("boolean byte " + b);
    return b == 1;
  }

  long varLong() {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = u8();
      // The tenth byte may only carry the top bit of a 64-bit value.
      if (shift == 63 && (b & 0xFE) != 0) throw fail("varint overflows 64 bits");
      value |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) return value;
    }
    throw fail("varint longer than 10 bytes");
  }

  /** A varint in [min, max]; {@code field} names it in the error. */
  long varLong(String field, long min, long max) {
    long value = varLong();
    if (value < min || value > max) {
      throw fail(field + " " + Long.toUnsignedString(value) + " outside [" + min + ", " + max + "]");
    }
    return value;
  }

  /** A length at most {@code max} that also fits in the bytes left. */
  int length(String field, long max) {
    long length = varLong();
    if (length < 0 || length > max) {
      throw fail(field + " length " + Long.toUnsignedString(length) + " over limit " + max);
    }
    if (length > remaining()) throw fail(field + " length " + length + " beyond end of input");
    return (int) length;
  }

  byte[] bytes(String field, long maxBytes) {
    int length = length(field, maxBytes);
    byte[] out = new byte[length];
    System.arraycopy(bytes, pos, out, 0, length);
    pos += length;
    return out;
  }

  String string(String field, long maxBytes) {
    return utf8(field, length(field, maxBytes));
  }

  /** The counterpart of {@link WireWriter#nullableString}. */
  String nullableString(String field, long maxBytes) {
    long lengthPlusOne = varLong(field + " length", 0, maxBytes + 1);
    if (lengthPlusOne == 0) return null;
    int length = (int) (lengthPlusOne - 1);
    if (length > remaining()) throw fail(field + " length " + length + " beyond end of input");
    return utf8(field, length);
  }

  int remaining() {
    return bytes.length - pos;
  }

  /** Fails if bytes are left: trailing garbage means the message is not what we think. */
  void end() {
    if (pos != bytes.length) throw fail(remaining() + " trailing bytes");
  }

  KvFormatException fail(String detail) {
    return new KvFormatException("malformed " + what + " at byte " + pos + ": " + detail);
  }

  private String utf8(String field, int length) {
    try {
      // A strict decoder: replacing bad bytes would let two different inputs decode alike.
      String s =
          StandardCharsets.UTF_8
              .newDecoder()
              .decode(ByteBuffer.wrap(bytes, pos, length))
              .toString();
      pos += length;
      return s;
    } catch (CharacterCodingException e) {
      throw fail(field + " is not valid UTF-8");
    }
  }
}
