package io.bellwether.core.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.bellwether.core.kv.KvChange;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A watcher that resumes on a node that has not applied its position yet (it reconnected to a
 * follower a few entries behind the node it watched before) gets the changes after its position
 * only: the node's catching up on entries the watcher already saw must not send them again, nor
 * move its resume position back, nor close it as slow for changes it does not need.
 */
class ChangeHistoryResumeAheadTest {

  private static KvChange put(String key, long index) {
    return new KvChange(KvChange.Type.PUT, key, ("v" + index).getBytes(StandardCharsets.UTF_8), index, 0,
        KvChange.Cause.WRITE);
  }

  private static void apply(ChangeHistory h, long from, long to) {
    for (long i = from; i <= to; i++) h.applied(i, List.of(put("w/" + i, i)));
  }

  @Test
  void aWatcherAheadOfTheNodeGetsOnlyTheChangesAfterItsPosition() {
    ChangeHistory h = new ChangeHistory(1000, 1 << 20, 500);
    apply(h, 1, 5);
    // It saw every change up to index 8 on another node: it resumes after "8".
    Watcher w = h.watch(null, "w/", WatchPosition.afterEventId("8"), () -> {});
    assertThat(w.poll(100).position().eventId()).as("position while the node is behind").isEqualTo("8");
    apply(h, 6, 8);
    WatchBatch catchingUp = w.poll(100);
    assertThat(catchingUp.events()).as("changes the watcher saw already").isEmpty();
    assertThat(catchingUp.position().eventId()).isEqualTo("8");
    apply(h, 9, 10);
    WatchBatch after = w.poll(100);
    assertThat(after.events()).extracting(WatchEvent::index).containsExactly(9L, 10L);
    assertThat(after.position().eventId()).isEqualTo("10");
  }

  @Test
  void aWatcherAheadOfARestoredSnapshotGetsOnlyTheChangesAfterItsPosition() {
    ChangeHistory h = new ChangeHistory(1000, 1 << 20, 500);
    h.restored(20, Map.of());
    Watcher w = h.watch(null, "w/", WatchPosition.afterEventId("25"), () -> {});
    apply(h, 21, 27);
    assertThat(w.poll(100).events()).extracting(WatchEvent::index).containsExactly(26L, 27L);
  }

  @Test
  void droppingOldChangesAWatcherAheadDoesNotNeedLeavesItOpen() {
    ChangeHistory h = new ChangeHistory(3, 1 << 20, 500);
    Watcher w = h.watch(null, "w/", WatchPosition.afterEventId("10"), () -> {});
    apply(h, 1, 12); // the history keeps 3 changes: 1..9 are dropped while the watcher is at 11
    WatchBatch b = w.poll(100);
    assertThat(b.closed()).as("closed").isNull();
    assertThat(b.events()).extracting(WatchEvent::index).containsExactly(11L, 12L);
  }
}
