package io.bellwether.core.kv;

import java.util.Arrays;
import java.util.Objects;

/**
 * A write to the key-value store, as proposed to the log. Built only in valid form: the constructors
 * check the key, the idempotency key and the expected version (the value's configurable size limit is
 * checked by {@link KvLimits#check}).
 *
 * <p>{@code expectedVersion} makes a write conditional (compare-and-set): {@link #ANY} applies it
 * unconditionally, {@link #ABSENT} only if the key does not exist, {@code n > 0} only if the key is at
 * version {@code n}. {@code timestampMillis} is the leader's clock when it proposed the command; it
 * drives the deterministic expiry of idempotency records, so no node ever reads its own clock.
 *
 * <p>Wire format ({@link WireWriter}): format version, tag, timestamp, expectedVersion + 1,
 * idempotency key (nullable), key, then the value for a put, and the lease for a put attached to one
 * (its own tag, so commands written before leases existed decode unchanged).
 */
public sealed interface KvCommand permits KvCommand.Put, KvCommand.Delete {

  /** Expected version meaning "whatever the current version is". */
  long ANY = -1;

  /** Expected version meaning "the key must not exist". */
  long ABSENT = 0;

  String key();

  long expectedVersion();

  /** The client-chosen idempotency key, or null. */
  String idempotencyKey();

  long timestampMillis();

  /** The command in its binary wire format. */
  byte[] encode();

  /** An unconditional put without idempotency key. */
  static Put put(String key, byte[] value, long timestampMillis) {
    return new Put(key, value, ANY, null, timestampMillis);
  }

  /** An unconditional delete without idempotency key. */
  static Delete delete(String key, long timestampMillis) {
    return new Delete(key, ANY, null, timestampMillis);
  }

  /**
   * Decodes a command {@link #encode()} produced.
   *
   * @throws KvFormatException if {@code bytes} are not a valid command
   */
  static KvCommand decode(byte[] bytes) {
    WireReader in = new WireReader(bytes, "command");
    int tag = in.header();
    boolean put = tag == Put.TAG || tag == Put.LEASED_TAG;
    if (!put && tag != Delete.TAG) throw in.fail("unknown command tag " + tag);
    long timestampMillis = in.varLong("timestampMillis", 0, Long.MAX_VALUE);
    // Stored shifted by one as an unsigned varint, so ANY (-1) takes one byte and MAX_VALUE fits.
    long expectedVersion = in.varLong() - 1;
    if (expectedVersion < ANY) throw in.fail("expectedVersion out of range");
    String idempotencyKey =
        in.nullableString("idempotency key", KvLimits.MAX_IDEMPOTENCY_KEY_BYTES);
    String key = in.string("key", KvLimits.MAX_KEY_BYTES);
    // Sizes were checked by the reader; the value is bounded by the input's own length.
    byte[] value = put ? in.bytes("value", Integer.MAX_VALUE) : null;
    long lease = tag == Put.LEASED_TAG ? in.varLong("lease", 1, Long.MAX_VALUE) : 0;
    in.end();
    try {
      return put
          ? new Put(key, value, expectedVersion, idempotencyKey, timestampMillis, lease)
          : new Delete(key, expectedVersion, idempotencyKey, timestampMillis);
    } catch (IllegalArgumentException e) {
      throw new KvFormatException("malformed command: " + e.getMessage(), e);
    }
  }

  /** Checks the fields every command shares. */
  private static void checkCommon(String key, long expectedVersion, String idempotencyKey,
      long timestampMillis) {
    KvLimits.checkKey(key);
    if (idempotencyKey != null) KvLimits.checkIdempotencyKey(idempotencyKey);
    if (expectedVersion < ANY) {
      throw InvalidRequestException.badInput(
          "expectedVersion is " + expectedVersion + ": use -1 (any), 0 (absent) or a version");
    }
    if (timestampMillis < 0) {
      throw InvalidRequestException.badInput("timestampMillis is negative: " + timestampMillis);
    }
  }

  /**
   * Sets {@code key} to {@code value}, attached to {@code lease} (0: to none; a put without a lease
   * detaches the key from the one it had). The value array is owned by the command once built:
   * callers must not change it.
   */
  record Put(String key, byte[] value, long expectedVersion, String idempotencyKey,
      long timestampMillis, long lease) implements KvCommand {

    static final int TAG = 0x01;
    static final int LEASED_TAG = 0x03;

    public Put {
      if (value == null) throw InvalidRequestException.badInput("value is null");
      if (lease < 0) throw InvalidRequestException.badInput("lease id is negative: " + lease);
      checkCommon(key, expectedVersion, idempotencyKey, timestampMillis);
    }

    /** A put attached to no lease. */
    public Put(String key, byte[] value, long expectedVersion, String idempotencyKey, long timestampMillis) {
      this(key, value, expectedVersion, idempotencyKey, timestampMillis, 0);
    }

    @Override
    public byte[] encode() {
      WireWriter out = WireWriter.message(lease == 0 ? TAG : LEASED_TAG, key.length() + value.length + 40)
          .varLong(timestampMillis)
          .varLong(expectedVersion + 1)
          .nullableString(idempotencyKey)
          .string(key)
          .bytes(value);
      if (lease != 0) out.varLong(lease);
      return out.toByteArray();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Put p
          && p.key.equals(key)
          && Arrays.equals(p.value, value)
          && p.expectedVersion == expectedVersion
          && Objects.equals(p.idempotencyKey, idempotencyKey)
          && p.timestampMillis == timestampMillis
          && p.lease == lease;
    }

    @Override
    public int hashCode() {
      return Objects.hash(key, expectedVersion, idempotencyKey, timestampMillis, lease) * 31
          + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return "Put[" + key + " " + value.length + "B expected=" + expectedVersion
          + " idem=" + idempotencyKey + " ts=" + timestampMillis + (lease == 0 ? "" : " lease=" + lease) + "]";
    }
  }

  /** Removes {@code key}. */
  record Delete(String key, long expectedVersion, String idempotencyKey, long timestampMillis)
      implements KvCommand {

    static final int TAG = 0x02;

    public Delete {
      checkCommon(key, expectedVersion, idempotencyKey, timestampMillis);
    }

    @Override
    public byte[] encode() {
      return WireWriter.message(TAG, key.length() + 32)
          .varLong(timestampMillis)
          .varLong(expectedVersion + 1)
          .nullableString(idempotencyKey)
          .string(key)
          .toByteArray();
    }
  }
}
