package io.bellwether.bench.load;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * The keys ({@code prefix + index}, index in {@code [0, count)}) and the one value every write
 * stores: {@code valueSize} bytes drawn from the seed, so runs with the same seed send the same bytes.
 */
final class KeySpace {

  private final String[] keys;
  private final byte[] value;

  KeySpace(String prefix, int count, int valueSize, long seed) {
    if (count < 1) throw new IllegalArgumentException("--keys must be at least 1");
    if (valueSize < 0) throw new IllegalArgumentException("--value-size must be >= 0");
    keys = new String[count];
    int width = Integer.toString(count - 1).length();
    for (int i = 0; i < count; i++) {
      // Zero-padded so keys sort in index order, which makes a scan of the store readable.
      keys[i] = prefix + "0".repeat(width - Integer.toString(i).length()) + i;
    }
    value = new byte[valueSize];
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < valueSize; i++) {
      // Printable ASCII: values stay readable with `bellwether get` and etcdctl.
      value[i] = (byte) ('a' + random.nextInt(26));
    }
  }

  int count() {
    return keys.length;
  }

  String key(int index) {
    return keys[index];
  }

  byte[] keyBytes(int index) {
    return keys[index].getBytes(StandardCharsets.UTF_8);
  }

  byte[] value() {
    return value;
  }
}
