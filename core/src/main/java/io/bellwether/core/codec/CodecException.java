package io.bellwether.core.codec;

/**
 * Bytes that are not a valid Bellwether frame or log entry record: truncated, corrupted, from an
 * unsupported version, or describing an impossible value. The message says what was wrong and at which
 * offset (counted from the first byte of the frame or record), so a bad frame can be diagnosed from the
 * log line alone.
 *
 * <p>Decoding raises only this exception for malformed input, so a transport or storage module can
 * catch exactly this type to drop a bad frame or flag a corrupt record without masking real bugs.
 */
public final class CodecException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int offset;

  public CodecException(String problem, int offset) {
    super(problem + " (at offset " + offset + ")");
    this.offset = offset;
  }

  public CodecException(String problem, int offset, Throwable cause) {
    super(problem + " (at offset " + offset + ")", cause);
    this.offset = offset;
  }

  /** Offset of the offending bytes from the start of the frame or record. */
  public int offset() {
    return offset;
  }
}
