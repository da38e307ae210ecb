package io.bellwether.testkit.lin;

/**
 * The configurations the search has reached: (set of operations placed or dropped, register value),
 * Lowe's memo for the Wing and Gong search, with the current set kept as a bit set.
 *
 * <p>A set is stored by its largest member and the holes below it (operations not yet placed): the
 * operations before are all placed, so an entry stays a few integers however long the history,
 * even when an indeterminate operation stays pending across thousands of others. The hash of the
 * current set is kept up to date on each change, so probing costs no more than the holes.
 */
final class Configurations {

  private static final int INITIAL_SLOTS = 1 << 12;

  private final long[] words;
  private int count;
  private long setHash;
  /** First word with a zero bit, and last word with a one bit: kept up to date on each toggle. */
  private int lowWord;
  private int highWord = -1;

  /** Open addressing: {@code [state, maxId, holes...]} with its hash alongside. */
  private int[][] entries = new int[INITIAL_SLOTS][];
  private int[] hashes = new int[INITIAL_SLOTS];
  private int size;

  Configurations(int operations) {
    words = new long[(operations + 63) >>> 6];
  }

  /** Adds {@code id} to the current set, or removes it. */
  void toggle(int id) {
    int w = id >>> 6;
    long bit = 1L << id;
    words[w] ^= bit;
    count += (words[w] & bit) != 0 ? 1 : -1;
    setHash ^= mix(id + 1L);
    if (words[w] != -1L && w < lowWord) {
      lowWord = w;
    }
    while (lowWord < words.length && words[lowWord] == -1L) {
      lowWord++;
    }
    if (words[w] != 0 && w > highWord) {
      highWord = w;
    }
    while (highWord >= 0 && words[highWord] == 0) {
      highWord--;
    }
  }

  boolean contains(int id) {
    return (words[id >>> 6] & (1L << id)) != 0;
  }

  /** How many configurations are stored. */
  int size() {
    return size;
  }

  /** Records (current set, state); false if it was recorded before. */
  boolean firstVisit(int state) {
    int maxId = maxId();
    int holes = maxId + 1 - count;
    long h = mix(setHash ^ state);
    int hash = (int) (h ^ (h >>> 32));
    int mask = entries.length - 1;
    int slot = hash & mask;
    for (int[] entry = entries[slot]; entry != null; entry = entries[slot]) {
      if (hashes[slot] == hash && sameAsCurrent(entry, state, maxId, holes)) {
        return false;
      }
      slot = (slot + 1) & mask;
    }
    entries[slot] = encodeCurrent(state, maxId, holes);
    hashes[slot] = hash;
    if (++size > entries.length / 2) {
      grow();
    }
    return true;
  }

  private boolean sameAsCurrent(int[] entry, int state, int maxId, int holes) {
    if (entry[0] != state || entry[1] != maxId || entry.length - 2 != holes) {
      return false;
    }
    // Same largest member and as many holes: the sets are equal if every stored hole is one now.
    for (int i = 2; i < entry.length; i++) {
      if (contains(entry[i])) {
        return false;
      }
    }
    return true;
  }

  private int[] encodeCurrent(int state, int maxId, int holes) {
    int[] entry = new int[2 + holes];
    entry[0] = state;
    entry[1] = maxId;
    int next = 2;
    for (int w = lowWord; next < entry.length; w++) {
      long missing = ~words[w];
      while (missing != 0 && next < entry.length) {
        entry[next++] = (w << 6) + Long.numberOfTrailingZeros(missing);
        missing &= missing - 1;
      }
    }
    return entry;
  }

  /** The largest member of the current set, -1 if empty. */
  private int maxId() {
    return highWord < 0 ? -1 : (highWord << 6) + 63 - Long.numberOfLeadingZeros(words[highWord]);
  }

  private void grow() {
    int[][] oldEntries = entries;
    int[] oldHashes = hashes;
    entries = new int[oldEntries.length * 2][];
    hashes = new int[oldEntries.length * 2];
    int mask = entries.length - 1;
    for (int i = 0; i < oldEntries.length; i++) {
      if (oldEntries[i] != null) {
        int slot = oldHashes[i] & mask;
        while (entries[slot] != null) {
          slot = (slot + 1) & mask;
        }
        entries[slot] = oldEntries[i];
        hashes[slot] = oldHashes[i];
      }
    }
  }

  /** SplitMix64 finaliser: spreads the bits of small integers over the whole word. */
  private static long mix(long x) {
    x = (x ^ (x >>> 30)) * 0xbf58476d1ce4e5b9L;
    x = (x ^ (x >>> 27)) * 0x94d049bb133111ebL;
    return x ^ (x >>> 31);
  }
}
