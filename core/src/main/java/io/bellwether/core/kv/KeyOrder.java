package io.bellwether.core.kv;

import java.util.Comparator;

/**
 * Orders keys by Unicode code point, which is also the order of their UTF-8 bytes: the order a client
 * in any language expects. {@link String#compareTo} compares UTF-16 units instead, which puts
 * supplementary characters (surrogate pairs, U+10000 and up) before U+E000..U+FFFF.
 *
 * <p>Keys sharing a prefix stay contiguous in this order, which prefix scans rely on.
 */
public final class KeyOrder implements Comparator<String> {

  public static final KeyOrder INSTANCE = new KeyOrder();

  private KeyOrder() {}

  @Override
  public int compare(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char x = a.charAt(i);
      char y = b.charAt(i);
      if (x != y) {
        // Above U+D7FF, move surrogates up past U+FFFF and U+E000..U+FFFF down into their place.
        if (x >= 0xD800 && y >= 0xD800) return fixUp(x) - fixUp(y);
        return x - y;
      }
    }
    return a.length() - b.length();
  }

  private static int fixUp(char c) {
    return c >= 0xE000 ? c - 0x800 : c + 0x2000;
  }
}
