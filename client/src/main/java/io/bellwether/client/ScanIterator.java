package io.bellwether.client;

import java.util.Iterator;
import java.util.NoSuchElementException;

/** Walks a prefix page by page, each page asked for after the previous page's last key. Not thread-safe. */
final class ScanIterator implements Iterator<KeyValue> {

  private final BellwetherClient client;
  private final String prefix;
  private final int pageSize;
  private final Consistency consistency;
  private Iterator<KeyValue> page;
  private String lastKey;
  private boolean more = true;

  ScanIterator(BellwetherClient client, String prefix, int pageSize, Consistency consistency) {
    if (pageSize < 1) throw new IllegalArgumentException("pageSize must be >= 1, got " + pageSize);
    this.client = client;
    this.prefix = prefix;
    this.pageSize = pageSize;
    this.consistency = consistency;
  }

  @Override
  public boolean hasNext() {
    while ((page == null || !page.hasNext()) && more) {
      ScanPage next = client.scanPage(prefix, lastKey, pageSize, consistency);
      if (lastKey != null && !next.entries().isEmpty() && codePointOrder(next.entries().get(0).key(), lastKey) <= 0) {
        // A node that ignores 'after' would send the first page again, forever.
        throw new IllegalStateException("the node answered a scan continuing after '" + lastKey + "' with '"
            + next.entries().get(0).key() + "': it does not support continuing a scan (the 'after' parameter)");
      }
      page = next.entries().iterator();
      more = next.more() && !next.entries().isEmpty();
      if (next.lastKey() != null) lastKey = next.lastKey();
    }
    return page != null && page.hasNext();
  }

  @Override
  public KeyValue next() {
    if (!hasNext()) throw new NoSuchElementException();
    return page.next();
  }

  /**
   * The nodes' key order: by code point, the order of the keys' UTF-8 bytes (not {@link
   * String#compareTo}, which puts U+10000 and up before U+E000..U+FFFF).
   */
  static int codePointOrder(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int x = a.codePointAt(i);
      int y = b.codePointAt(j);
      if (x != y) return Integer.compare(x, y);
      i += Character.charCount(x);
      j += Character.charCount(y);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }
}
