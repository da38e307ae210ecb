package io.bellwether.core.spi;

import io.bellwether.core.Membership;
import java.util.Arrays;
import java.util.Objects;

/**
 * A state machine snapshot: the state after applying every entry up to {@code lastIndex}, whose
 * entry had term {@code lastTerm}, and the cluster configuration in effect at that entry (thesis
 * §5.4: the log it replaces may hold the configuration, so the snapshot must). {@code data} is the
 * state machine's <em>local</em> form of it (what {@link StateMachine#captureSnapshot()} wrote, or a
 * {@link SnapshotSink} completed; see {@link StateMachine}), not necessarily what a leader sends; it
 * is owned by the snapshot once created.
 *
 * <p>A store must keep the {@code membership} with the data. It is {@code null} only for a snapshot
 * written before configurations were stored with snapshots: the node's bootstrap configuration then
 * stands for it.
 */
public record Snapshot(long lastIndex, long lastTerm, Membership membership, byte[] data) {

  public Snapshot {
    if (lastIndex < 1 || lastTerm < 1) {
      throw new IllegalArgumentException("snapshot index and term must be >= 1");
    }
    if (membership != null && membership.index() > lastIndex) {
      throw new IllegalArgumentException(
          "configuration at " + membership.index() + " is past the snapshot's last index " + lastIndex);
    }
    Objects.requireNonNull(data, "data");
  }

  /** A snapshot without a stored configuration (see the class comment). */
  public Snapshot(long lastIndex, long lastTerm, byte[] data) {
    this(lastIndex, lastTerm, null, data);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Snapshot s
        && s.lastIndex == lastIndex
        && s.lastTerm == lastTerm
        && Objects.equals(s.membership, membership)
        && Arrays.equals(s.data, data);
  }

  @Override
  public int hashCode() {
    return Objects.hash(lastIndex, lastTerm, membership) * 31 + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "Snapshot[" + lastIndex + "@" + lastTerm + " " + data.length + "B]";
  }
}
