package io.bellwether.client;

/**
 * A put that happened.
 *
 * @param version the key's new version
 * @param index the log index at which the put took effect (equal to the version)
 * @param node the node that answered; null if not told
 * @param appliedIndex that node's applied index; 0 if not told
 */
public record WriteResult(String key, long version, long index, String node, long appliedIndex) {}
