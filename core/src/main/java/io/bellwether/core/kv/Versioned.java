package io.bellwether.core.kv;

import java.util.Arrays;

/**
 * A stored value, its version (the log index of the write that last changed it) and the lease it is
 * attached to (0: none). The array is never changed once stored (only replaced), so it may be encoded
 * into answers without copying.
 */
public record Versioned(byte[] value, long version, long lease) {

  public Versioned(byte[] value, long version) {
    this(value, version, 0);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Versioned v && v.version == version && v.lease == lease && Arrays.equals(v.value, value);
  }

  @Override
  public int hashCode() {
    return (Long.hashCode(version) * 31 + Long.hashCode(lease)) * 31 + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return "Versioned[v" + version + (lease == 0 ? "" : " lease " + lease) + " " + value.length + "B]";
  }
}
