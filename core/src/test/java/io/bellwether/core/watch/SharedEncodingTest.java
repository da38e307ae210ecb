package io.bellwether.core.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.bellwether.core.kv.KvChange;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Goal: a change sent to many watchers is encoded once, and each watcher gets that one encoding. */
class SharedEncodingTest {

  @Test
  void everyWatcherOfAChangeGetsTheOneEncoding() {
    ChangeHistory history = new ChangeHistory(100, 1 << 20, 50);
    Watcher a = history.watch(null, "", WatchPosition.from(1), () -> { });
    Watcher b = history.watch("k", null, WatchPosition.from(1), () -> { });
    history.applied(1, List.of(new KvChange(KvChange.Type.PUT, "k", new byte[] {1}, 1, 0, KvChange.Cause.WRITE)));
    history.applied(2, List.of(new KvChange(KvChange.Type.PUT, "j", new byte[] {2}, 2, 0, KvChange.Cause.WRITE)));
    AtomicInteger encodings = new AtomicInteger();
    List<String> first = a.poll(10).events().stream()
        .map(e -> e.encoded(ev -> ev.change().key() + "@" + ev.after() + "#" + encodings.incrementAndGet())).toList();
    List<String> second = b.poll(10).events().stream()
        .map(e -> e.encoded(ev -> "never " + encodings.incrementAndGet())).toList();
    assertThat(first).containsExactly("k@1#1", "j@2#2");
    assertThat(second).containsExactly("k@1#1");
    assertThat(encodings).hasValue(2);
  }
}
