package io.bellwether.client;

/**
 * A delete that happened.
 *
 * @param deleted false when the key was already absent (nothing changed, still a success)
 * @param version the version that was deleted (0 when absent)
 * @param index the log index at which the delete took effect
 */
public record DeleteResult(String key, boolean deleted, long version, long index, String node, long appliedIndex) {}
