package io.bellwether.core.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.bellwether.core.kv.KvChange;
import io.bellwether.core.kv.KvChange.Cause;
import io.bellwether.core.kv.KvChange.Type;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Goal: a watcher that resumes at a position this node has not applied yet (it reconnected to a
 * node a little behind the one it left) gets exactly what follows that position once the node gets
 * there: nothing of the entry's changes it already had, nothing twice. A node a step behind once
 * sent the whole entry again.
 */
class FuturePositionTest {

  private static KvChange delete(String key) {
    return new KvChange(Type.DELETE, key, new byte[0], 1, 7, Cause.LEASE_REVOKED);
  }

  @Test
  void aResumeInsideAnEntryNotYetAppliedSkipsTheChangesAlreadySent() {
    ChangeHistory history = new ChangeHistory(100, 1 << 20, 50);
    history.applied(1, List.of());
    Watcher w = history.watch(null, "", WatchPosition.afterEventId("5.1"), () -> { });
    history.applied(2, List.of(new KvChange(Type.PUT, "x", new byte[] {1}, 2, 0, Cause.WRITE)));
    history.applied(5, List.of(delete("a"), delete("b"), delete("c")));
    history.applied(6, List.of(new KvChange(Type.PUT, "y", new byte[] {2}, 6, 0, Cause.WRITE)));
    WatchBatch batch = w.poll(10);
    assertThat(batch.events()).extracting(e -> e.change().key()).containsExactly("b", "c", "y");
    assertThat(batch.events()).extracting(e -> e.after().eventId()).containsExactly("5.2", "5", "6");
  }

  @Test
  void aResumeAtALaterIndexWaitsForItAndSkipsWhatComesBefore() {
    ChangeHistory history = new ChangeHistory(100, 1 << 20, 50);
    Watcher w = history.watch("k", null, WatchPosition.from(4), () -> { });
    history.applied(3, List.of(new KvChange(Type.PUT, "k", new byte[] {1}, 3, 0, Cause.WRITE)));
    assertThat(w.poll(10).events()).isEmpty();
    assertThat(w.poll(10).position()).isEqualTo(WatchPosition.from(4));
    history.applied(4, List.of(new KvChange(Type.PUT, "k", new byte[] {2}, 4, 0, Cause.WRITE)));
    assertThat(w.poll(10).events()).extracting(WatchEvent::index).containsExactly(4L);
  }
}
