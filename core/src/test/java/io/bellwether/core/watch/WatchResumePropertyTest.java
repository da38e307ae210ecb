package io.bellwether.core.watch;

// Goal: whatever the bounds, the entries, the disconnects and the node a watch resumes on, a watcher
// gets exactly the changes after its position: no gap, no duplicate, or an explicit COMPACTED end
// after which it starts again from the oldest index.
// Method: a randomized run (seed printed; -Dbellwether.watch.seed=S replays it) over two histories
// that apply the same entries at different speeds (two nodes); the consumer polls, stalls, drops its
// connection and resumes at its last event id, at an earlier one, or on the other node; what it got
// is compared with the full list of changes. Then several threads poll while one appends.

import static io.bellwether.core.watch.ChangeHistoryTest.NOTHING;
import static org.assertj.core.api.Assertions.assertThat;

import io.bellwether.core.kv.KvChange;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class WatchResumePropertyTest {

  private static final String[] KEYS = {"a/1", "a/2", "a/3", "b", "b/1", "c"};
  private static final String[] PREFIXES = {"", "a/", "b", "zz"};

  /** One change with its place in the log. */
  private record Placed(long index, int ordinal, boolean last, KvChange change) {
    WatchPosition at() {
      return new WatchPosition(index, ordinal);
    }

    WatchPosition after() {
      return last ? WatchPosition.from(index + 1) : new WatchPosition(index, ordinal + 1);
    }
  }

  /** One node: a history and the entries it has yet to apply. */
  private static final class Node {
    final ChangeHistory history;
    final ArrayDeque<List<KvChange>> backlog = new ArrayDeque<>();
    long applied;

    Node(ChangeHistory history) {
      this.history = history;
    }

    void applyOne() {
      history.applied(++applied, backlog.removeFirst());
    }
  }

  @Test
  void resumingAnywhereGivesExactlyTheRest() {
    long seed = Long.getLong("bellwether.watch.seed", System.nanoTime());
    System.out.println("WatchResumePropertyTest seed=" + seed + " (replay: -Dbellwether.watch.seed=" + seed + ")");
    Random r = new Random(seed);
    for (int run = 0; run < 300; run++) {
      try {
        oneRun(r);
      } catch (AssertionError e) {
        throw new AssertionError("seed " + seed + ", run " + run + ": " + e.getMessage(), e);
      }
    }
  }

  private void oneRun(Random r) {
    int maxChanges = 1 + r.nextInt(30);
    long maxBytes = 100 + r.nextInt(3_000);
    long maxLag = 1 + r.nextInt(20);
    Node[] nodes = {new Node(new ChangeHistory(maxChanges, maxBytes, maxLag)),
        new Node(new ChangeHistory(maxChanges, maxBytes, maxLag))};
    String key = r.nextInt(4) == 0 ? KEYS[r.nextInt(KEYS.length)] : null;
    String prefix = key == null ? PREFIXES[r.nextInt(PREFIXES.length)] : null;
    List<Placed> all = new ArrayList<>();
    long index = 0;

    int on = 0;
    Watcher w = nodes[on].history.watch(key, prefix, WatchPosition.from(1), NOTHING);
    WatchPosition restartFrom = WatchPosition.from(1);
    List<WatchEvent> got = new ArrayList<>();
    WatchPosition lastPosition = WatchPosition.from(1);

    for (int step = 0; step < 400; step++) {
      int roll = r.nextInt(100);
      if (roll < 30) {
        index++;
        List<KvChange> changes = new ArrayList<>();
        List<String> shuffled = new ArrayList<>(List.of(KEYS));
        Collections.shuffle(shuffled, r);
        int n = r.nextInt(4);
        for (int i = 0; i < n; i++) {
          byte[] value = new byte[r.nextInt(r.nextInt(10) == 0 ? 500 : 20)];
          changes.add(new KvChange(KvChange.Type.PUT, shuffled.get(i), value, index, 0, KvChange.Cause.WRITE));
          all.add(new Placed(index, i, i == n - 1, changes.get(i)));
        }
        for (Node node : nodes) node.backlog.add(changes);
      } else if (roll < 60) {
        Node node = nodes[r.nextInt(2)];
        // The second node lags; both catch up over time.
        int k = 1 + r.nextInt(3);
        for (int i = 0; i < k && !node.backlog.isEmpty(); i++) node.applyOne();
      } else if (roll < 85) {
        WatchBatch b = w.poll(1 + r.nextInt(4));
        got.addAll(b.events());
        assertThat(b.position()).as("a watcher's position never moves back").isGreaterThanOrEqualTo(lastPosition);
        lastPosition = b.position();
        if (b.closed() != null) {
          assertThat(b.closed()).isIn(WatchClosed.SLOW_CONSUMER, WatchClosed.COMPACTED);
          on = r.nextInt(2);
          Resumed res = resume(nodes[on], key, prefix, b.position(), got);
          w = res.watcher;
          if (res.restartedAt != null) {
            restartFrom = res.restartedAt;
            got.clear();
          }
          lastPosition = res.restartedAt != null ? res.restartedAt : b.position();
        }
      } else if (roll < 90) {
        w.stalled(r.nextBoolean());
      } else {
        // Drop the connection: resume at the last id seen (an event's or a heartbeat's), or at an
        // earlier event's id, on either node.
        WatchPosition at = lastPosition;
        if (!got.isEmpty() && r.nextBoolean()) {
          WatchEvent e = got.get(r.nextInt(got.size()));
          at = WatchPosition.afterEventId(e.after().eventId());
          assertThat(at).isEqualTo(e.after());
          got.removeIf(g -> g.after().compareTo(e.after()) > 0);
        }
        w.close();
        on = r.nextInt(2);
        Resumed res = resume(nodes[on], key, prefix, at, got);
        w = res.watcher;
        if (res.restartedAt != null) {
          restartFrom = res.restartedAt;
          got.clear();
        }
        lastPosition = res.restartedAt != null ? res.restartedAt : at;
      }
    }
    // Everything applied everywhere; the consumer reads to the end.
    for (Node node : nodes) while (!node.backlog.isEmpty()) node.applyOne();
    w.stalled(false);
    for (int i = 0; i < 10_000; i++) {
      WatchBatch b = w.poll(1 + r.nextInt(4));
      got.addAll(b.events());
      if (b.closed() != null) {
        on = r.nextInt(2);
        Resumed res = resume(nodes[on], key, prefix, b.position(), got);
        w = res.watcher;
        if (res.restartedAt != null) {
          restartFrom = res.restartedAt;
          got.clear();
        }
        continue;
      }
      if (b.caughtUp() && b.events().isEmpty()) {
        assertThat(b.position()).isEqualTo(WatchPosition.from(index + 1));
        break;
      }
    }
    WatchPosition from = restartFrom;
    List<String> expected = all.stream()
        .filter(p -> p.at().compareTo(from) >= 0)
        .filter(p -> key != null ? p.change().key().equals(key) : p.change().key().startsWith(prefix))
        .map(p -> p.index() + "/" + p.change().key() + " id " + p.after().eventId()).toList();
    List<String> actual = got.stream()
        .map(e -> e.index() + "/" + e.change().key() + " id " + e.after().eventId()).toList();
    assertThat(actual).as("bounds %d changes %d bytes, watch %s", maxChanges, maxBytes,
        key != null ? "key " + key : "prefix '" + prefix + "'").isEqualTo(expected);
  }

  private record Resumed(Watcher watcher, WatchPosition restartedAt) {}

  /** Resumes at {@code at}, or, when the node no longer has it, re-reads the state: restarts at the oldest. */
  private static Resumed resume(Node node, String key, String prefix, WatchPosition at, List<WatchEvent> got) {
    try {
      return new Resumed(node.history.watch(key, prefix, at, NOTHING), null);
    } catch (WatchCompactedException e) {
      WatchPosition oldest = WatchPosition.from(e.oldestIndex());
      return new Resumed(node.history.watch(key, prefix, oldest, NOTHING), oldest);
    }
  }

  @Test
  void severalThreadsPollWhileTheNodeThreadAppends() throws Exception {
    ChangeHistory history = new ChangeHistory(1_000_000, 1L << 30, 1_000_000);
    int entries = 20_000;
    List<Watcher> watchers = new ArrayList<>();
    List<ConcurrentLinkedQueue<WatchEvent>> seen = new ArrayList<>();
    for (String prefix : List.of("", "a", "b")) {
      watchers.add(history.watch(null, prefix, WatchPosition.from(1), NOTHING));
      seen.add(new ConcurrentLinkedQueue<>());
    }
    AtomicBoolean done = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch finished = new CountDownLatch(watchers.size() * 2);
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < watchers.size() * 2; i++) {
      Watcher w = watchers.get(i / 2);
      ConcurrentLinkedQueue<WatchEvent> out = seen.get(i / 2);
      threads.add(new Thread(() -> {
        try {
          while (true) {
            boolean last = done.get();
            WatchBatch b = w.poll(7);
            out.addAll(b.events());
            if (b.closed() != null) throw new AssertionError("closed: " + b.closed());
            if (last && b.caughtUp()) break;
          }
        } catch (Throwable t) {
          failure.compareAndSet(null, t);
        } finally {
          finished.countDown();
        }
      }, "poller-" + i));
    }
    threads.forEach(Thread::start);
    for (long i = 1; i <= entries; i++) {
      List<KvChange> changes = i % 5 == 0
          ? List.of(ChangeHistoryTest.put("a" + i, i), ChangeHistoryTest.put("b" + i, i))
          : List.of(ChangeHistoryTest.put((i % 2 == 0 ? "a" : "b") + i, i));
      history.applied(i, changes);
    }
    done.set(true);
    for (Thread t : threads) t.join(10_000);
    assertThat(failure.get()).isNull();
    assertThat(finished.getCount()).isZero();
    List<String> prefixes = List.of("", "a", "b");
    for (int k = 0; k < watchers.size(); k++) {
      List<WatchEvent> events = new ArrayList<>(seen.get(k));
      events.sort((x, y) -> x.after().compareTo(y.after()));
      String prefix = prefixes.get(k);
      long expected = 0;
      for (long i = 1; i <= entries; i++) {
        if (i % 5 == 0) expected += prefix.isEmpty() ? 2 : 1;
        else if (prefix.isEmpty() || (prefix.equals("a") == (i % 2 == 0))) expected++;
      }
      assertThat(events).as(prefix).hasSize((int) expected);
      assertThat(events.stream().map(e -> e.after()).distinct().count()).isEqualTo(expected);
      assertThat(events).allSatisfy(e -> assertThat(e.change().key()).startsWith(prefix));
    }
  }
}
