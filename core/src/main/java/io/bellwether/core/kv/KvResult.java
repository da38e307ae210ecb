package io.bellwether.core.kv;

import java.util.Objects;

/**
 * The outcome of applying one {@link KvCommand}, as the state machine remembers it for idempotent
 * retries: a retried command answers with the original result, including the original {@code
 * index}, byte for byte.
 *
 * @param status whether the write happened
 * @param key the key written, or "" for {@link Status#INVALID}
 * @param version on {@link Status#OK}: the command's index (a put's new version, or the index of a
 *     delete that removed the key), or 0 for a delete that found nothing; on {@link
 *     Status#VERSION_MISMATCH}: the key's current version (0 if absent); 0 for {@link Status#INVALID}
 *     and {@link Status#LEASE_NOT_FOUND}
 * @param deleted for a delete: whether a key was removed; false otherwise
 * @param index the log index the command was applied at (0 until {@link #atIndex} sets it)
 */
public record KvResult(Status status, String key, long version, boolean deleted, long index) {

  private static final int TAG = 0x21;
  private static final KvResult INVALID = new KvResult(Status.INVALID, "", 0, false, 0);

  /** Whether the write happened. Codes are the wire encoding: never renumber them. */
  public enum Status {
    /** Applied. */
    OK(1),
    /** Not applied: the key was not at the expected version. */
    VERSION_MISMATCH(2),
    /** Not applied: the committed command could not be decoded (e.g. a newer format). */
    INVALID(3),
    /** Not applied: the put named a lease that does not exist (it ended, or never was). */
    LEASE_NOT_FOUND(4);

    private final int code;

    Status(int code) {
      this.code = code;
    }

    static Status ofCode(int code) {
      for (Status s : values()) if (s.code == code) return s;
      return null;
    }
  }

  public KvResult {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(key, "key");
    if (version < 0) throw new IllegalArgumentException("version < 0: " + version);
    if (index < 0) throw new IllegalArgumentException("index < 0: " + index);
  }

  /** This result as applied at log {@code index}. */
  public KvResult atIndex(long index) {
    return new KvResult(status, key, version, deleted, index);
  }

  /** A put that set {@code key} to {@code version}. */
  public static KvResult written(String key, long version) {
    return new KvResult(Status.OK, key, version, false, 0);
  }

  /** A delete at log index {@code index} that removed {@code key}. */
  public static KvResult removed(String key, long index) {
    return new KvResult(Status.OK, key, index, true, 0);
  }

  /** A delete that found nothing to remove. */
  public static KvResult nothingRemoved(String key) {
    return new KvResult(Status.OK, key, 0, false, 0);
  }

  /** A conditional write refused because {@code key} is at {@code currentVersion} (0 = absent). */
  public static KvResult mismatch(String key, long currentVersion) {
    return new KvResult(Status.VERSION_MISMATCH, key, currentVersion, false, 0);
  }

  /** A put refused because the lease it named does not exist. */
  public static KvResult leaseNotFound(String key) {
    return new KvResult(Status.LEASE_NOT_FOUND, key, 0, false, 0);
  }

  /** A committed command that could not be decoded. */
  public static KvResult invalid() {
    return INVALID;
  }

  public boolean ok() {
    return status == Status.OK;
  }

  /** The result in its binary wire format. */
  public byte[] encode() {
    return WireWriter.message(TAG, key.length() + 16)
        .u8(status.code)
        .string(key)
        .varLong(version)
        .bool(deleted)
        .varLong(index)
        .toByteArray();
  }

  /**
   * Decodes a result {@link #encode()} produced.
   *
   * @throws KvFormatException if {@code bytes} are not a valid result
   */
  public static KvResult decode(byte[] bytes) {
    WireReader in = new WireReader(bytes, "result");
    if (in.header() != TAG) throw in.fail("not a result");
    Status status = Status.ofCode(in.u8());
    if (status == null) throw in.fail("unknown status");
    String key = in.string("key", KvLimits.MAX_KEY_BYTES);
    long version = in.varLong("version", 0, Long.MAX_VALUE);
    boolean deleted = in.bool();
    long index = in.varLong("index", 0, Long.MAX_VALUE);
    in.end();
    return new KvResult(status, key, version, deleted, index);
  }
}
