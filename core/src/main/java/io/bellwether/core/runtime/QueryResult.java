package io.bellwether.core.runtime;

/**
 * A query's answer, with the index the serving node had applied when it answered and which node
 * served it.
 */
public record QueryResult(byte[] result, long appliedIndex, String servedBy) {}
