package io.bellwether.core.kv;

import java.util.Arrays;
import java.util.Objects;

/**
 * One key with its version and value, as a scan returns it. The value array is owned by the entry:
 * callers must not change it.
 */
public record KvEntry(String key, long version, byte[] value) {

  public KvEntry {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KvEntry e
        && e.key.equals(key)
        && e.version == version
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
