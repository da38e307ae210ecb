package io.bellwether.core.kv;

import java.util.Arrays;

/**
 * A stored value and its version, the log index of the write that last changed it. The array is never
 * changed once stored (only replaced), so it may be encoded into answers without copying.
 */
record Versioned(byte[] value, long version) {

  @Override
  public boolean equals(Object o) {
    return o instanceof Versioned v && v.version == version && Arrays.equals(v.value, value);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(version) * 31 + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return "Versioned[v" + version + " " + value.length + "B]";
  }
}
