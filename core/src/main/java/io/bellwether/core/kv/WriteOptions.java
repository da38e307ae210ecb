package io.bellwether.core.kv;

/**
 * Options of one write.
 *
 * @param expectedVersion {@link KvCommand#ANY} for an unconditional write, 0 for "key must not
 *     exist", n for "key must be at version n" (compare-and-set)
 * @param idempotencyKey a client-chosen key that makes retries of this write apply at most once and
 *     answer with the original result; null for none
 * @param lease for a put: the lease to attach the key to (0: none, which detaches it from any lease)
 */
public record WriteOptions(long expectedVersion, String idempotencyKey, long lease) {

  public static final WriteOptions NONE = new WriteOptions(KvCommand.ANY, null, 0);

  public WriteOptions(long expectedVersion, String idempotencyKey) {
    this(expectedVersion, idempotencyKey, 0);
  }

  public static WriteOptions ifVersion(long version) {
    return new WriteOptions(version, null);
  }

  public static WriteOptions ifAbsent() {
    return new WriteOptions(KvCommand.ABSENT, null);
  }

  public WriteOptions withIdempotencyKey(String key) {
    return new WriteOptions(expectedVersion, key, lease);
  }

  public WriteOptions withLease(long leaseId) {
    return new WriteOptions(expectedVersion, idempotencyKey, leaseId);
  }
}
