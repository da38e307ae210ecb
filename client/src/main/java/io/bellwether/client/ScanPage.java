package io.bellwether.client;

import java.util.List;

/**
 * One page of a prefix scan, in key order.
 *
 * @param entries the keys found (each carries this page's node and applied index)
 * @param more whether more keys with the prefix follow the last entry
 * @param appliedIndex the serving node's applied index
 * @param node the serving node
 */
public record ScanPage(List<KeyValue> entries, boolean more, long appliedIndex, String node) {

  public ScanPage {
    entries = List.copyOf(entries);
  }

  /** The last entry's key, or null when the page is empty. */
  public String lastKey() {
    return entries.isEmpty() ? null : entries.get(entries.size() - 1).key();
  }
}
