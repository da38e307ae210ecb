package io.bellwether.core.engine;

/**
 * A read that became safe to serve: once the node has applied up to {@code readIndex}, answering
 * {@code requestId} from local state is linearizable (thesis §6.4).
 */
public record ReadState(long requestId, long readIndex) {}
