package io.bellwether.core.watch;

// Goal: a watch gets every change it asked for, in log order, once, or an explicit end; positions and
// event ids resume exactly; the history's bounds and snapshots close only the watchers that lost
// changes.
// Method: a ChangeHistory fed entries by hand (as the state machine would), watchers polled directly.

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bellwether.core.kv.KvChange;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ChangeHistoryTest {

  static final Runnable NOTHING = () -> {};

  static KvChange put(String key, long version) {
    return new KvChange(KvChange.Type.PUT, key, ("v" + version).getBytes(StandardCharsets.UTF_8), version, 0,
        KvChange.Cause.WRITE);
  }

  static KvChange revoked(String key, long version, long lease) {
    return new KvChange(KvChange.Type.DELETE, key, new byte[0], version, lease, KvChange.Cause.LEASE_REVOKED);
  }

  static List<String> keys(WatchBatch b) {
    return b.events().stream().map(e -> e.change().key()).toList();
  }

  static List<String> ids(WatchBatch b) {
    return b.events().stream().map(e -> e.after().eventId()).toList();
  }

  private final ChangeHistory history = new ChangeHistory(1_000, 1 << 20, 100);

  @Test
  void prefixAndKeyWatchersSeeOnlyTheirKeys() {
    Watcher prefix = history.watch(null, "a/", null, NOTHING);
    Watcher key = history.watch("b", null, null, NOTHING);
    Watcher all = history.watch(null, "", null, NOTHING);
    history.applied(1, List.of(put("a/1", 1)));
    history.applied(2, List.of(put("b", 2)));
    history.applied(3, List.of(put("bb", 3)));
    history.applied(4, List.of(put("a", 4)));
    assertThat(keys(prefix.poll(100))).containsExactly("a/1");
    assertThat(keys(key.poll(100))).containsExactly("b");
    assertThat(keys(all.poll(100))).containsExactly("a/1", "b", "bb", "a");
  }

  @Test
  void anEntryWithSeveralChangesHasOneIdPerChangeAndResumesInsideIt() {
    history.applied(1, List.of(put("a", 1)));
    history.applied(2, List.of(revoked("k1", 1, 1), revoked("k2", 1, 1), revoked("k3", 1, 1)));
    history.applied(3, List.of());
    history.applied(4, List.of(put("b", 4)));
    Watcher w = history.watch(null, "", WatchPosition.from(1), NOTHING);
    WatchBatch b = w.poll(100);
    assertThat(ids(b)).containsExactly("1", "2.1", "2.2", "2", "4");
    assertThat(b.caughtUp()).isTrue();
    assertThat(b.position().eventId()).isEqualTo("4");
    // Resuming after each id gives exactly what follows it.
    assertThat(keys(history.watch(null, "", WatchPosition.afterEventId("2.1"), NOTHING).poll(100)))
        .containsExactly("k2", "k3", "b");
    assertThat(keys(history.watch(null, "", WatchPosition.afterEventId("2.2"), NOTHING).poll(100)))
        .containsExactly("k3", "b");
    assertThat(keys(history.watch(null, "", WatchPosition.afterEventId("2"), NOTHING).poll(100)))
        .containsExactly("b");
    assertThat(keys(history.watch(null, "", WatchPosition.afterEventId("4"), NOTHING).poll(100))).isEmpty();
  }

  @Test
  void aWatchFromAPositionThisNodeHasNotReachedYetGetsNoChangeBeforeIt() {
    // A client saw up to index 5 on a node that was ahead and resumes on this one, at 3.
    for (long i = 1; i <= 3; i++) history.applied(i, List.of(put("k", i)));
    Watcher w = history.watch(null, "", WatchPosition.afterEventId("5"), NOTHING);
    for (long i = 4; i <= 7; i++) history.applied(i, List.of(put("k", i)));
    WatchBatch b = w.poll(100);
    assertThat(b.events()).extracting(WatchEvent::index).containsExactly(6L, 7L);
    assertThat(b.position()).isEqualTo(WatchPosition.from(8));
  }

  @Test
  void aWatcherAheadOfThisNodeNeverMovesBackwardsWhileItWaits() {
    history.applied(1, List.of(put("k", 1)));
    Watcher w = history.watch(null, "", WatchPosition.afterEventId("9"), NOTHING);
    history.applied(2, List.of(put("k", 2)));
    WatchBatch b = w.poll(100);
    assertThat(b.events()).isEmpty();
    assertThat(b.position().eventId()).as("the heartbeat's resume point").isEqualTo("9");
  }

  @Test
  void aWatchFromBeforeTheHistoryIsRefusedWithTheOldestIndex() {
    ChangeHistory small = new ChangeHistory(3, 1 << 20, 100);
    for (long i = 1; i <= 5; i++) small.applied(i, List.of(put("k", i)));
    assertThat(small.size()).isEqualTo(3);
    assertThat(small.oldestIndex()).isEqualTo(3);
    assertThatThrownBy(() -> small.watch(null, "", WatchPosition.from(2), NOTHING))
        .isInstanceOf(WatchCompactedException.class)
        .satisfies(e -> assertThat(((WatchCompactedException) e).oldestIndex()).isEqualTo(3));
    assertThat(small.watch(null, "", WatchPosition.from(3), NOTHING).poll(10).events()).hasSize(3);
  }

  @Test
  void evictingPartOfAnEntryMakesTheWholeEntryUnavailable() {
    ChangeHistory small = new ChangeHistory(2, 1 << 20, 100);
    small.applied(1, List.of(put("a", 1)));
    small.applied(2, List.of(revoked("k1", 1, 1), revoked("k2", 1, 1), revoked("k3", 1, 1)));
    assertThat(small.oldestIndex()).isEqualTo(3);
    assertThatThrownBy(() -> small.watch(null, "", WatchPosition.afterEventId("2.1"), NOTHING))
        .isInstanceOf(WatchCompactedException.class);
  }

  @Test
  void theByteBoundEvictsTheEldestChanges() {
    KvChange big = new KvChange(KvChange.Type.PUT, "k", new byte[1_000], 1, 0, KvChange.Cause.WRITE);
    ChangeHistory small = new ChangeHistory(1_000, 3 * big.weightBytes(), 100);
    for (long i = 1; i <= 10; i++) small.applied(i, List.of(big));
    assertThat(small.size()).isEqualTo(3);
    assertThat(small.oldestIndex()).isEqualTo(8);
    // A single change larger than the bound is still kept (the history never empties itself).
    KvChange huge = new KvChange(KvChange.Type.PUT, "k", new byte[10_000], 11, 0, KvChange.Cause.WRITE);
    small.applied(11, List.of(huge));
    assertThat(small.size()).isEqualTo(1);
    assertThat(small.oldestIndex()).isEqualTo(11);
  }

  @Test
  void aWatcherOfAQuietPrefixIsMovedPastEvictedChangesAndNotClosed() {
    ChangeHistory small = new ChangeHistory(3, 1 << 20, 2);
    Watcher quiet = small.watch(null, "quiet/", null, NOTHING);
    for (long i = 1; i <= 20; i++) small.applied(i, List.of(put("busy/" + i, i)));
    WatchBatch b = quiet.poll(10);
    assertThat(b.closed()).isNull();
    assertThat(b.events()).isEmpty();
    assertThat(b.position()).isEqualTo(WatchPosition.from(21));
    small.applied(21, List.of(put("quiet/x", 21)));
    assertThat(keys(quiet.poll(10))).containsExactly("quiet/x");
    assertThat(small.droppedSlow()).isZero();
  }

  @Test
  void aStalledWatcherTooFarBehindIsClosedAndResumesWithoutAGap() {
    ChangeHistory h = new ChangeHistory(100, 1 << 20, 5);
    AtomicInteger wakes = new AtomicInteger();
    Watcher w = h.watch(null, "", null, wakes::incrementAndGet);
    for (long i = 1; i <= 3; i++) h.applied(i, List.of(put("k" + i, i)));
    WatchBatch first = w.poll(2);
    assertThat(ids(first)).containsExactly("1", "2");
    w.stalled(true);
    for (long i = 4; i <= 10; i++) h.applied(i, List.of(put("k" + i, i)));
    WatchBatch closed = w.poll(100);
    assertThat(closed.closed()).isEqualTo(WatchClosed.SLOW_CONSUMER);
    assertThat(closed.events()).isEmpty();
    assertThat(closed.position().eventId()).isEqualTo("2");
    assertThat(wakes.get()).isPositive();
    assertThat(h.droppedSlow()).isEqualTo(1);
    assertThat(h.watcherCount()).isZero();
    Watcher again = h.watch(null, "", closed.position(), NOTHING);
    assertThat(ids(again.poll(100))).containsExactly("3", "4", "5", "6", "7", "8", "9", "10");
  }

  @Test
  void aNotStalledWatcherIsClosedOnlyWhenTheHistoryDropsAChangeItWants() {
    ChangeHistory small = new ChangeHistory(3, 1 << 20, 1);
    Watcher w = small.watch(null, "", null, NOTHING);
    for (long i = 1; i <= 3; i++) small.applied(i, List.of(put("k", i)));
    assertThat(w.poll(1).closed()).isNull(); // lag 2 > 1 but not stalled
    small.applied(4, List.of(put("k", 4))); // evicts 1 (seen); fine
    small.applied(5, List.of(put("k", 5))); // evicts 2 (not seen)
    WatchBatch b = w.poll(10);
    assertThat(b.closed()).isEqualTo(WatchClosed.SLOW_CONSUMER);
    assertThat(b.position().eventId()).isEqualTo("1");
  }

  @Test
  void aRestoredSnapshotClosesWatchersBehindItAndKeepsThoseAhead() {
    for (long i = 1; i <= 3; i++) history.applied(i, List.of(put("k", i)));
    Watcher behind = history.watch(null, "", WatchPosition.from(2), NOTHING);
    Watcher atNext = history.watch(null, "", WatchPosition.from(11), NOTHING);
    Watcher ahead = history.watch(null, "", WatchPosition.from(13), NOTHING);
    history.restored(10, Map.of());
    assertThat(behind.poll(10).closed()).isEqualTo(WatchClosed.COMPACTED);
    assertThat(history.oldestIndex()).isEqualTo(11);
    assertThat(history.size()).isZero();
    for (long i = 11; i <= 14; i++) history.applied(i, List.of(put("k", i)));
    assertThat(atNext.poll(10).events()).extracting(WatchEvent::index).containsExactly(11L, 12L, 13L, 14L);
    assertThat(ahead.poll(10).events()).extracting(WatchEvent::index).containsExactly(13L, 14L);
    assertThat(history.droppedCompacted()).isEqualTo(1);
  }

  @Test
  void aClosedWatcherIsForgotten() {
    Watcher w = history.watch(null, "", null, NOTHING);
    w.close();
    w.close();
    assertThat(history.watcherCount()).isZero();
    history.applied(1, List.of(put("k", 1)));
    assertThat(w.poll(10).closed()).isEqualTo(WatchClosed.CLOSED);
  }

  @Test
  void badArgumentsAreRefused() {
    assertThatThrownBy(() -> history.watch("a", "a", null, NOTHING)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> history.watch(null, null, null, NOTHING)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WatchPosition.afterEventId("5.0")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WatchPosition.afterEventId("x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WatchPosition.afterEventId("-1")).isInstanceOf(IllegalArgumentException.class);
    assertThat(WatchPosition.afterEventId("0")).isEqualTo(WatchPosition.from(1));
    List<WatchPosition> sorted = new ArrayList<>(List.of(new WatchPosition(5, 2), WatchPosition.from(6),
        WatchPosition.from(5)));
    sorted.sort(null);
    assertThat(sorted).extracting(WatchPosition::eventId).containsExactly("4", "5.2", "5");
  }
}
