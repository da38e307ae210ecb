package io.bellwether.core.kv;

import java.util.Arrays;
import java.util.Objects;

/**
 * One key with its version, value and lease (0: none), as a scan returns it. The value array is owned
 * by the entry: callers must not change it.
 */
public record KvEntry(String key, long version, byte[] value, long lease) {

  public KvEntry {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
  }

  /** A key attached to no lease. */
  public KvEntry(String key, long version, byte[] value) {
    this(key, version, value, 0);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KvEntry e
        && e.key.equals(key)
        && e.version == version
        && e.lease == lease
        && Arrays.equals(e.value, value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, version) * 31 + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return "KvEntry[" + key + " v" + version + " " + value.length + "B]";
  }
}
