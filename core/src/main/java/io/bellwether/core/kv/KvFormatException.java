package io.bellwether.core.kv;

/**
 * Bytes that do not decode as the expected key-value message: truncated, trailing garbage, an unknown
 * format version or tag, a length beyond the input, invalid UTF-8, or a field out of range. Decoding
 * checks every length against the bytes left before allocating, so garbage cannot exhaust memory.
 */
public class KvFormatException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  public KvFormatException(String message) {
    super(message);
  }

  public KvFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
