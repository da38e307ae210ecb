package io.bellwether.client;

/**
 * Conditions of a delete. Immutable; each method returns a copy.
 *
 * @param ifVersion only if the key is at this version ({@code If-Match}); null: unconditional
 * @param idempotencyKey as {@link PutOptions#idempotencyKey()}
 */
public record DeleteOptions(Long ifVersion, String idempotencyKey) {

  public DeleteOptions {
    if (ifVersion != null && ifVersion < 0) throw new IllegalArgumentException("ifVersion must be >= 0, got " + ifVersion);
  }

  public static DeleteOptions none() {
    return new DeleteOptions(null, null);
  }

  public DeleteOptions withIfVersion(long version) {
    return new DeleteOptions(version, idempotencyKey);
  }

  public DeleteOptions withIdempotencyKey(String key) {
    return new DeleteOptions(ifVersion, key);
  }
}
