package io.bellwether.core;

import java.util.Arrays;
import java.util.Objects;

/**
 * One entry of the replicated log: the {@code term} in which a leader created it, its position
 * {@code index} (from 1), its type and its opaque {@code data} (a state machine command).
 *
 * <p>The data array is owned by the entry once created: callers must not change it.
 */
public record LogEntry(long term, long index, EntryType type, byte[] data) {

  private static final byte[] EMPTY = new byte[0];

  public LogEntry {
    if (term < 1) throw new IllegalArgumentException("term must be >= 1: " + term);
    if (index < 1) throw new IllegalArgumentException("index must be >= 1: " + index);
    Objects.requireNonNull(type, "type");
    data = data == null ? EMPTY : data;
  }

  /** A state machine command. */
  public static LogEntry command(long term, long index, byte[] data) {
    return new LogEntry(term, index, EntryType.COMMAND, data);
  }

  /** The empty entry a new leader appends at the start of its term (§5.4.2, thesis §6.4). */
  public static LogEntry noop(long term, long index) {
    return new LogEntry(term, index, EntryType.NOOP, EMPTY);
  }

  /** A configuration change: {@code data} encodes the new configuration (thesis §4.1). */
  public static LogEntry config(long term, long index, byte[] data) {
    return new LogEntry(term, index, EntryType.CONFIG, data);
  }

  /** Bytes this entry costs in a batch: its payload plus a fixed header estimate. */
  public long sizeBytes() {
    return data.length + 24L;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LogEntry e
        && e.term == term
        && e.index == index
        && e.type == type
        && Arrays.equals(e.data, data);
  }

  @Override
  public int hashCode() {
    return Objects.hash(term, index, type) * 31 + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "LogEntry[" + index + "@" + term + " " + type + " " + data.length + "B]";
  }
}
