package io.bellwether.core.kv;

import java.util.List;

/**
 * A prefix scan's answer, in key order.
 *
 * @param more true when the scan stopped at its limit or size budget and more keys match
 */
public record KvScan(List<KvEntry> entries, boolean more, long appliedIndex, String servedBy) {

  public KvScan {
    entries = List.copyOf(entries);
  }
}
