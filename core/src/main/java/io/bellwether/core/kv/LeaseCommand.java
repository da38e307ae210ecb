package io.bellwether.core.kv;

/**
 * A command about a lease, as proposed to the log. Like {@link KvCommand}s they carry the proposing
 * leader's clock ({@code timestampMillis}, which only moves the state machine's log clock) and, for
 * the ones a client asks for, an idempotency key, so a retried grant grants one lease, not two.
 *
 * <p>A lease ends only through the log: {@link Revoke} when a client asks, {@link Expire} when the
 * leader saw its time to live run out without a keepalive. Either deletes every key attached to it,
 * in that same entry.
 *
 * <p>Wire format ({@link WireWriter}): format version, tag, timestamp, then the fields in order.
 */
public sealed interface LeaseCommand permits LeaseCommand.Grant, LeaseCommand.Revoke, LeaseCommand.Expire {

  /** The longest time to live a lease may ask for: 30 days. */
  long MAX_TTL_SECONDS = 30L * 24 * 3600;

  long timestampMillis();

  /** The client-chosen idempotency key, or null. */
  String idempotencyKey();

  byte[] encode();

  /** Whether {@code bytes} hold a lease command (as opposed to a {@link KvCommand}), by its tag. */
  static boolean isLeaseCommand(byte[] bytes) {
    if (bytes == null || bytes.length < 2) return false;
    int tag = bytes[1] & 0xFF;
    return tag == Grant.TAG || tag == Revoke.TAG || tag == Expire.TAG;
  }

  /**
   * Decodes a command {@link #encode()} produced.
   *
   * @throws KvFormatException if {@code bytes} are not a valid lease command
   */
  static LeaseCommand decode(byte[] bytes) {
    WireReader in = new WireReader(bytes, "lease command");
    int tag = in.header();
    long timestampMillis = in.varLong("timestampMillis", 0, Long.MAX_VALUE);
    LeaseCommand command;
    try {
      if (tag == Grant.TAG) {
        String idem = in.nullableString("idempotency key", KvLimits.MAX_IDEMPOTENCY_KEY_BYTES);
        command = new Grant(in.varLong("ttlSeconds", 1, MAX_TTL_SECONDS), idem, timestampMillis);
      } else if (tag == Revoke.TAG) {
        String idem = in.nullableString("idempotency key", KvLimits.MAX_IDEMPOTENCY_KEY_BYTES);
        command = new Revoke(in.varLong("lease id", 1, Long.MAX_VALUE), idem, timestampMillis);
      } else if (tag == Expire.TAG) {
        command = new Expire(in.varLong("lease id", 1, Long.MAX_VALUE), timestampMillis);
      } else {
        throw in.fail("unknown lease command tag " + tag);
      }
    } catch (InvalidRequestException e) {
      throw new KvFormatException("malformed lease command: " + e.getMessage(), e);
    }
    in.end();
    return command;
  }

  private static void checkTimestamp(long timestampMillis) {
    if (timestampMillis < 0) {
      throw InvalidRequestException.badInput("timestampMillis is negative: " + timestampMillis);
    }
  }

  private static void checkId(long leaseId) {
    if (leaseId < 1) throw InvalidRequestException.badInput("lease id must be >= 1: " + leaseId);
  }

  /** Grants a new lease; its id will be the index of this entry. */
  record Grant(long ttlSeconds, String idempotencyKey, long timestampMillis) implements LeaseCommand {

    static final int TAG = 0x05;

    public Grant {
      if (ttlSeconds < 1 || ttlSeconds > MAX_TTL_SECONDS) {
        throw InvalidRequestException.badInput(
            "ttlSeconds is " + ttlSeconds + ": it must be from 1 to " + MAX_TTL_SECONDS);
      }
      if (idempotencyKey != null) KvLimits.checkIdempotencyKey(idempotencyKey);
      checkTimestamp(timestampMillis);
    }

    @Override
    public byte[] encode() {
      return WireWriter.message(TAG, 32).varLong(timestampMillis).nullableString(idempotencyKey)
          .varLong(ttlSeconds).toByteArray();
    }
  }

  /** Ends a lease at a client's request, deleting its keys. */
  record Revoke(long leaseId, String idempotencyKey, long timestampMillis) implements LeaseCommand {

    static final int TAG = 0x06;

    public Revoke {
      checkId(leaseId);
      if (idempotencyKey != null) KvLimits.checkIdempotencyKey(idempotencyKey);
      checkTimestamp(timestampMillis);
    }

    @Override
    public byte[] encode() {
      return WireWriter.message(TAG, 32).varLong(timestampMillis).nullableString(idempotencyKey)
          .varLong(leaseId).toByteArray();
    }
  }

  /**
   * Ends a lease whose time to live ran out, deleting its keys. Proposed only by a leader, after its
   * own clock passed the lease's deadline; applying it is a no-op if the lease is already gone.
   */
  record Expire(long leaseId, long timestampMillis) implements LeaseCommand {

    static final int TAG = 0x07;

    public Expire {
      checkId(leaseId);
      checkTimestamp(timestampMillis);
    }

    @Override
    public String idempotencyKey() {
      return null;
    }

    @Override
    public byte[] encode() {
      return WireWriter.message(TAG, 16).varLong(timestampMillis).varLong(leaseId).toByteArray();
    }
  }
}
