package io.bellwether.client;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A key as read. Immutable (the value array is the client's own copy; do not change it).
 *
 * @param version the key's version (the log index of its last put)
 * @param lease the lease the key is attached to; 0: none
 * @param node the node that served the read ({@code X-Bellwether-Node}); null if not told
 * @param appliedIndex that node's applied index when it served it; 0 if not told
 */
public record KeyValue(String key, byte[] value, long version, long lease, String node, long appliedIndex) {

  /** The value as UTF-8 text. */
  public String valueAsString() {
    return new String(value, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyValue k && key.equals(k.key) && Arrays.equals(value, k.value) && version == k.version
        && lease == k.lease;
  }

  @Override
  public int hashCode() {
    return key.hashCode() * 31 + Long.hashCode(version);
  }

  @Override
  public String toString() {
    return "KeyValue[" + key + " v" + version + (lease == 0 ? "" : " lease " + lease) + ", " + value.length + " bytes]";
  }
}
