package io.bellwether.core.kv;

import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * The limits of the key-value store. Key, idempotency-key and scan limits are fixed, because they are
 * part of the command format every node must agree on; the value limit is configurable and checked by
 * the facade before proposing (never when applying: two nodes configured differently would then
 * diverge).
 *
 * <p>Every check throws {@link InvalidRequestException} naming the limit and the actual size.
 *
 * @param maxValueBytes the largest value accepted, in bytes
 */
public record KvLimits(int maxValueBytes) {

  /** Keys are 1 to this many bytes, UTF-8 encoded. */
  public static final int MAX_KEY_BYTES = 1024;

  /** Idempotency keys are 1 to this many bytes, UTF-8 encoded. */
  public static final int MAX_IDEMPOTENCY_KEY_BYTES = 128;

  /** A scan returns at most this many entries. */
  public static final int MAX_SCAN_LIMIT = 10_000;

  /** 1 MiB. */
  public static final int DEFAULT_MAX_VALUE_BYTES = 1 << 20;

  public KvLimits {
    if (maxValueBytes < 0) throw new IllegalArgumentException("maxValueBytes < 0: " + maxValueBytes);
  }

  /** The default limits: values up to 1 MiB. */
  public static KvLimits defaults() {
    return new KvLimits(DEFAULT_MAX_VALUE_BYTES);
  }

  /** Always {@link #MAX_KEY_BYTES}: a key limit that varied by node would break determinism. */
  public int maxKeyBytes() {
    return MAX_KEY_BYTES;
  }

  /**
   * Checks everything about {@code command}, including the configurable value limit; its key and
   * idempotency key were already checked when it was built.
   */
  public void check(KvCommand command) {
    if (command instanceof KvCommand.Put put) checkValue(put.value());
  }

  /** Checks that {@code value} is at most {@link #maxValueBytes()} long. */
  public void checkValue(byte[] value) {
    if (value == null) throw InvalidRequestException.badInput("value is null");
    if (value.length > maxValueBytes) {
      throw InvalidRequestException.tooLarge(
          "value is " + value.length + " bytes, over the limit of " + maxValueBytes + " (maxValueBytes)");
    }
  }

  /**
   * Checks that {@code key} is well-formed Unicode of 1 to {@link #MAX_KEY_BYTES} bytes in UTF-8.
   *
   * @return the key's UTF-8 length
   */
  public static int checkKey(String key) {
    int length = utf8Length("key", key);
    if (length == 0) {
      throw InvalidRequestException.badInput("key is empty: keys are 1 to " + MAX_KEY_BYTES + " bytes");
    }
    if (length > MAX_KEY_BYTES) {
      throw InvalidRequestException.tooLarge(
          "key is " + length + " bytes (UTF-8), over the limit of " + MAX_KEY_BYTES);
    }
    return length;
  }

  /** Checks a scan prefix: like a key, but may be empty (scan everything). */
  public static void checkPrefix(String prefix) {
    int length = utf8Length("prefix", prefix);
    if (length > MAX_KEY_BYTES) {
      throw InvalidRequestException.tooLarge(
          "prefix is " + length + " bytes (UTF-8), over the key limit of " + MAX_KEY_BYTES);
    }
  }

  /** Checks a non-null idempotency key: 1 to {@link #MAX_IDEMPOTENCY_KEY_BYTES} bytes in UTF-8. */
  public static void checkIdempotencyKey(String idempotencyKey) {
    int length = utf8Length("idempotency key", idempotencyKey);
    if (length == 0) throw InvalidRequestException.badInput("idempotency key is empty");
    if (length > MAX_IDEMPOTENCY_KEY_BYTES) {
      throw InvalidRequestException.tooLarge(
          "idempotency key is " + length + " bytes (UTF-8), over the limit of "
              + MAX_IDEMPOTENCY_KEY_BYTES);
    }
  }

  /** Checks that a scan limit is in 1..{@link #MAX_SCAN_LIMIT}. */
  public static void checkScanLimit(int limit) {
    if (limit < 1 || limit > MAX_SCAN_LIMIT) {
      throw InvalidRequestException.badInput(
          "scan limit is " + limit + ", outside 1.." + MAX_SCAN_LIMIT);
    }
  }

  /** UTF-8 length, rejecting unpaired surrogates (they would silently encode as '?'). */
  private static int utf8Length(String what, String s) {
    if (s == null) throw InvalidRequestException.badInput(what + " is null");
    try {
      return StandardCharsets.UTF_8.newEncoder().encode(CharBuffer.wrap(s)).remaining();
    } catch (CharacterCodingException e) {
      throw InvalidRequestException.badInput(what + " is not valid Unicode (unpaired surrogate)");
    }
  }
}
