package io.bellwether.core.runtime;

/** A committed and applied command: its log {@code index} and the state machine's result. */
public record Applied(long index, byte[] result) {}
