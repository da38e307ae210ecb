package io.bellwether.core.kv;

import java.util.Arrays;
import java.util.Objects;

/**
 * A read's answer: whether the key exists, its value, version and lease (0: none), the index the
 * serving node had applied, and which node served it.
 */
public record KvRead(boolean found, byte[] value, long version, long lease, long appliedIndex, String servedBy) {

  /** A read of a key attached to no lease. */
  public KvRead(boolean found, byte[] value, long version, long appliedIndex, String servedBy) {
    this(found, value, version, 0, appliedIndex, servedBy);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KvRead r
        && r.found == found
        && r.version == version
        && r.lease == lease
        && r.appliedIndex == appliedIndex
        && Objects.equals(r.servedBy, servedBy)
        && Arrays.equals(r.value, value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(found, version, appliedIndex, servedBy) * 31 + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return "KvRead[found=" + found + " version=" + version + " " + value.length + "B applied="
        + appliedIndex + " by " + servedBy + "]";
  }
}
