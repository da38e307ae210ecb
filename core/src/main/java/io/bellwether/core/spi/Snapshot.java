package io.bellwether.core.spi;

import java.util.Arrays;
import java.util.Objects;

/**
 * A state machine snapshot: the state after applying every entry up to {@code lastIndex}, whose
 * entry had term {@code lastTerm}. {@code data} is what {@link StateMachine#snapshot()} produced; it is
 * owned by the snapshot once created.
 */
public record Snapshot(long lastIndex, long lastTerm, byte[] data) {

  public Snapshot {
    if (lastIndex < 1 || lastTerm < 1) {
      throw new IllegalArgumentException("snapshot index and term must be >= 1");
    }
    Objects.requireNonNull(data, "data");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Snapshot s
        && s.lastIndex == lastIndex
        && s.lastTerm == lastTerm
        && Arrays.equals(s.data, data);
  }

  @Override
  public int hashCode() {
    return Objects.hash(lastIndex, lastTerm) * 31 + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "Snapshot[" + lastIndex + "@" + lastTerm + " " + data.length + "B]";
  }
}
