package io.bellwether.core.kv;

import java.util.Objects;

/**
 * The outcome of applying one {@link LeaseCommand}, remembered for idempotent retries like a {@link
 * KvResult}.
 *
 * @param status whether the command found its lease
 * @param leaseId the lease granted, revoked or expired (0 when the command was invalid)
 * @param ttlSeconds a grant's time to live; 0 otherwise
 * @param keysDeleted how many keys the end of the lease deleted
 * @param index the log index the command was applied at
 */
public record LeaseResult(Status status, long leaseId, long ttlSeconds, int keysDeleted, long index) {

  private static final int TAG = 0x22;

  /** Codes are the wire encoding: never renumber them. */
  public enum Status {
    /** Granted, or ended. */
    OK(1),
    /** A revoke or expiry of a lease that does not exist (any more): nothing changed. */
    NOT_FOUND(2),
    /** The committed command could not be decoded. */
    INVALID(3);

    private final int code;

    Status(int code) {
      this.code = code;
    }

    static Status ofCode(int code) {
      for (Status s : values()) if (s.code == code) return s;
      return null;
    }
  }

  public LeaseResult {
    Objects.requireNonNull(status, "status");
  }

  public boolean ok() {
    return status == Status.OK;
  }

  public byte[] encode() {
    return WireWriter.message(TAG, 24).u8(status.code).varLong(leaseId).varLong(ttlSeconds)
        .varLong(keysDeleted).varLong(index).toByteArray();
  }

  /** Whether {@code bytes} hold a lease result rather than a {@link KvResult}. */
  public static boolean isLeaseResult(byte[] bytes) {
    return bytes != null && bytes.length >= 2 && (bytes[1] & 0xFF) == TAG;
  }

  /**
   * @throws KvFormatException if {@code bytes} are not a lease result
   */
  public static LeaseResult decode(byte[] bytes) {
    WireReader in = new WireReader(bytes, "lease result");
    if (in.header() != TAG) throw in.fail("not a lease result");
    Status status = Status.ofCode(in.u8());
    if (status == null) throw in.fail("unknown status");
    LeaseResult r = new LeaseResult(status, in.varLong("leaseId", 0, Long.MAX_VALUE),
        in.varLong("ttlSeconds", 0, LeaseCommand.MAX_TTL_SECONDS), (int) in.varLong("keysDeleted", 0, Integer.MAX_VALUE),
        in.varLong("index", 0, Long.MAX_VALUE));
    in.end();
    return r;
  }
}
