package io.bellwether.client;

/**
 * Conditions and extras of a put. Immutable; each method returns a copy.
 *
 * @param ifVersion only if the key is at this version ({@code If-Match}); null: unconditional
 * @param ifAbsent only if the key does not exist ({@code If-None-Match: *})
 * @param lease attach the key to this lease ({@code ?lease=}); 0: none (a put detaches the key)
 * @param idempotencyKey the {@code Idempotency-Key} to send; null: a fresh random one per call. Give
 *     one to resend a write whose outcome was unknown ({@link OutcomeUnknownException#idempotencyKey()})
 */
public record PutOptions(Long ifVersion, boolean ifAbsent, long lease, String idempotencyKey) {

  public PutOptions {
    if (ifVersion != null && ifAbsent) throw new IllegalArgumentException("ifVersion and ifAbsent exclude each other");
    if (ifVersion != null && ifVersion < 0) throw new IllegalArgumentException("ifVersion must be >= 0, got " + ifVersion);
    if (lease < 0) throw new IllegalArgumentException("lease must be >= 0, got " + lease);
  }

  /** No condition, no lease, a fresh idempotency key. */
  public static PutOptions none() {
    return new PutOptions(null, false, 0, null);
  }

  public PutOptions withIfVersion(long version) {
    return new PutOptions(version, ifAbsent, lease, idempotencyKey);
  }

  public PutOptions withIfAbsent() {
    return new PutOptions(ifVersion, true, lease, idempotencyKey);
  }

  public PutOptions withLease(long leaseId) {
    return new PutOptions(ifVersion, ifAbsent, leaseId, idempotencyKey);
  }

  public PutOptions withIdempotencyKey(String key) {
    return new PutOptions(ifVersion, ifAbsent, lease, key);
  }
}
