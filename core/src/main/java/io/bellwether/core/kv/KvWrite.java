package io.bellwether.core.kv;

/**
 * The outcome of a committed write.
 *
 * @param status {@link KvResult.Status#OK}, or {@link KvResult.Status#VERSION_MISMATCH} when a
 *     condition failed (nothing changed)
 * @param version on OK the key's new version (for a delete, the delete's index); on a mismatch the
 *     key's current version (0 when absent)
 * @param index the log index the write was committed at
 * @param deleted for a delete: whether a key was removed
 */
public record KvWrite(KvResult.Status status, String key, long version, long index, boolean deleted) {

  public boolean ok() {
    return status == KvResult.Status.OK;
  }
}
