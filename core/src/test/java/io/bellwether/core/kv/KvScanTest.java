package io.bellwether.core.kv;

// Goal: prefix scans return exactly the keys with the prefix, in code point order, up to the limit.
// Method: fill a state machine with keys around the prefix boundaries and compare scans to lists.

import static io.bellwether.core.kv.KvDriver.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KvScanTest {

  private final KvDriver kv = new KvDriver();

  @BeforeEach
  void fill() {
    for (String key : List.of("a", "app/2", "app/10", "app/1", "apq", "ap", "b", "app", "app/3")) {
      kv.put(key, "v-" + key);
    }
  }

  private static List<String> keys(KvQueryResult.ScanResult result) {
    List<String> keys = new ArrayList<>();
    result.entries().forEach(e -> keys.add(e.key()));
    return keys;
  }

  @Test
  void returnsOnlyKeysWithThePrefixInKeyOrder() {
    KvQueryResult.ScanResult result = kv.scan("app/", 100);
    assertThat(keys(result)).containsExactly("app/1", "app/10", "app/2", "app/3");
    assertThat(result.more()).isFalse();
  }

  @Test
  void entriesCarryVersionAndValue() {
    KvEntry first = kv.scan("app/1", 1).entries().get(0);
    assertThat(first).isEqualTo(new KvEntry("app/1", 4, utf8("v-app/1")));
  }

  @Test
  void stopsAtTheLimitAndSaysThereIsMore() {
    KvQueryResult.ScanResult result = kv.scan("app", 2);
    assertThat(keys(result)).containsExactly("app", "app/1");
    assertThat(result.more()).isTrue();
  }

  @Test
  void limitEqualToTheMatchesHasNoMore() {
    assertThat(kv.scan("app/", 4).more()).isFalse();
  }

  @Test
  void emptyPrefixScansEverything() {
    assertThat(keys(kv.scan("", 100)))
        .containsExactly("a", "ap", "app", "app/1", "app/10", "app/2", "app/3", "apq", "b");
  }

  @Test
  void prefixWithoutMatchesIsEmpty() {
    assertThat(kv.scan("zz", 10).entries()).isEmpty();
    assertThat(kv.scan("app/4", 10).entries()).isEmpty();
  }

  @Test
  void keysSortByCodePointLikeTheirUtf8Bytes() {
    KvDriver fresh = new KvDriver();
    String bmpHigh = "k\uE000";
    String emoji = "k\uD83D\uDE00";
    fresh.put(emoji, "x");
    fresh.put(bmpHigh, "y");
    fresh.put("k~", "z");
    // String.compareTo would put the emoji (a surrogate pair) before U+E000.
    assertThat(keys(fresh.scan("k", 10))).containsExactly("k~", bmpHigh, emoji);
  }

  @Test
  void aScanAfterAKeyContinuesExclusivelyAndPagesCoverThePrefixOnce() {
    assertThat(keys(kv.scan("app/", "app/10", 100))).containsExactly("app/2", "app/3");
    assertThat(keys(kv.scan("app/", "app/15", 1))).containsExactly("app/2"); // an absent key works too
    assertThat(keys(kv.scan("app/", "app/3", 10))).isEmpty();
    assertThat(keys(kv.scan("app/", "a", 10))).as("after before the prefix: from the prefix")
        .containsExactly("app/1", "app/10", "app/2", "app/3");
    assertThat(keys(kv.scan("app/", "b", 10))).as("after past the prefix").isEmpty();
    List<String> paged = new ArrayList<>();
    String after = null;
    for (boolean more = true; more; ) {
      KvQueryResult.ScanResult page = kv.scan("", after, 2);
      paged.addAll(keys(page));
      more = page.more();
      after = page.entries().get(page.entries().size() - 1).key();
    }
    assertThat(paged).containsExactly("a", "ap", "app", "app/1", "app/10", "app/2", "app/3", "apq", "b");
  }

  @Test
  void aScanAfterFollowsCodePointOrder() {
    KvDriver fresh = new KvDriver();
    String bmpHigh = "k\uE000";
    String emoji = "k\uD83D\uDE00";
    fresh.put(emoji, "x");
    fresh.put(bmpHigh, "y");
    fresh.put("k~", "z");
    assertThat(keys(fresh.scan("k", bmpHigh, 10))).containsExactly(emoji);
  }
}
