package io.bellwether.core.kv;

import java.util.Arrays;
import java.util.Objects;

/**
 * One key changed by one applied log entry, as watchers see it. An entry changes at most one key,
 * except the end of a lease, which deletes every key attached to it in the same entry.
 *
 * @param type what happened to the key
 * @param key the key
 * @param value the new value of a put; empty for a delete. Owned by the change: never modified
 * @param version a put's new version (its log index); for a delete, the version that was deleted
 * @param lease the lease a put attached the key to, 0 for none; for a delete, the lease it had
 * @param cause why a key was deleted ({@link Cause#WRITE} for puts)
 */
public record KvChange(Type type, String key, byte[] value, long version, long lease, Cause cause) {

  /** A put or a delete. */
  public enum Type {
    PUT,
    DELETE
  }

  /** What made the change: a client's write, or the end of the key's lease. */
  public enum Cause {
    WRITE,
    LEASE_EXPIRED,
    LEASE_REVOKED
  }

  private static final byte[] NONE = new byte[0];

  public KvChange {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(cause, "cause");
  }

  static KvChange put(String key, byte[] value, long version, long lease) {
    return new KvChange(Type.PUT, key, value, version, lease, Cause.WRITE);
  }

  static KvChange delete(String key, long deletedVersion, long lease, Cause cause) {
    return new KvChange(Type.DELETE, key, NONE, deletedVersion, lease, cause);
  }

  /**
   * The heap this change takes in a history, roughly: the change itself, and the encoding watchers
   * are sent, which holds the key again and the value in base64 (4/3 of its size).
   */
  public long weightBytes() {
    return 256L + key.length() * 4L + value.length * 7L / 3;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KvChange c && c.type == type && c.key.equals(key) && Arrays.equals(c.value, value)
        && c.version == version && c.lease == lease && c.cause == cause;
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, key, version, lease, cause) * 31 + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return type + "[" + key + " v" + version + (lease == 0 ? "" : " lease " + lease) + " " + value.length
        + "B" + (cause == Cause.WRITE ? "" : " " + cause) + "]";
  }
}
