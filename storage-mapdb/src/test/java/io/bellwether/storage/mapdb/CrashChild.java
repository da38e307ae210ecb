package io.bellwether.storage.mapdb;

import io.bellwether.core.HardState;
import io.bellwether.core.LogEntry;
import io.bellwether.core.Member;
import io.bellwether.core.Membership;
import io.bellwether.core.engine.Role;
import io.bellwether.core.inmem.InMemoryNetwork;
import io.bellwether.core.kv.KvClient;
import io.bellwether.core.kv.KvStateMachine;
import io.bellwether.core.runtime.RaftNode;
import io.bellwether.core.spi.Snapshot;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Semaphore;

/**
 * The process the crash tests kill. It reports on stdout, one line each, what it has made durable
 * ("BW SYNCED from to term hsTerm hsCommit", "BW ACK key"), so the test knows what must survive.
 * Modes: {@code log DIR SEED} appends and syncs batches for ever; {@code node DIR SEED ROUND} runs a
 * single-node RaftNode and writes keys through KvClient for ever; {@code hold DIR} opens the store
 * and keeps it open until stdin closes.
 */
public final class CrashChild {

  private static final PrintStream OUT = System.out;

  /** Small WAL segments, so that the kills also hit rotation and the deletion of compacted segments. */
  static final long SEGMENT_BYTES = 256 * 1024;

  private CrashChild() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[1]);
    OUT.println("BW STARTING");
    OUT.flush();
    switch (args[0]) {
      case "log" -> appendForEver(dir, Long.parseLong(args[2]));
      case "node" -> writeKeysForEver(dir, Long.parseLong(args[2]), Integer.parseInt(args[3]));
      case "hold" -> hold(dir);
      default -> throw new IllegalArgumentException("unknown mode " + args[0]);
    }
  }

  /** Deterministic payload of the entry at {@code index} in {@code term}: the test recomputes it. */
  static byte[] payload(long index, long term) {
    byte[] data = new byte[20 + Math.floorMod(index * 7 + term, 100)];
    for (int k = 0; k < data.length; k++) data[k] = (byte) (index * 31 + term * 17 + k * 13);
    return data;
  }

  /** The configuration the snapshot at {@code index} carries: it differs from one snapshot to the next. */
  static Membership snapshotMembership(long index) {
    return new Membership(index - index % 7, List.of(
        new Member("n1", true, "10.0.0.1:" + (7000 + index % 1000), null),
        Member.voter("n2"),
        Member.learner("n" + (3 + index % 5), "10.0.0.3:7000", "10.0.0.3:8000")));
  }

  static byte[] snapshotData(long index) {
    return ("snapshot@" + index).getBytes(StandardCharsets.UTF_8);
  }

  static String votedFor(long term) {
    return "n" + term % 3;
  }

  static List<LogEntry> batch(long from, int count, long term) {
    List<LogEntry> out = new ArrayList<>(count);
    for (long i = from; i < from + count; i++) out.add(LogEntry.command(term, i, payload(i, term)));
    return out;
  }

  private static void appendForEver(Path dir, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    MapDbLogStore store = MapDbLogStore.open(dir, SEGMENT_BYTES);
    // The hard state found at open is durable (open rewrites it): later checks start from it.
    OUT.println("BW OPENED " + store.lastIndex() + " " + store.hardState().term() + " " + store.hardState().commitIndex() + " END");
    OUT.flush();
    long term = Math.max(1, store.hardState().term());
    long lastSynced = store.lastIndex();
    while (true) {
      if (random.nextInt(10) == 0) term++;
      HardState hs = new HardState(term, votedFor(term), lastSynced);
      store.saveHardState(hs);
      long from = store.lastIndex() + 1;
      int count = random.nextInt(4) == 0 ? 1 + random.nextInt(300) : 1 + random.nextInt(16);
      store.append(batch(from, count, term));
      if (random.nextInt(8) == 0) {
        // Cut part of the unsynced batch and append it again: exercises truncation on disk.
        long cut = from + random.nextInt(count);
        store.truncateSuffix(cut);
        store.append(batch(cut, (int) (from + count - cut), term));
      }
      if (store.lastIndex() - store.firstIndex() > 3000 && random.nextInt(4) == 0) {
        long snapshotIndex = lastSynced - 10;
        store.saveSnapshot(new Snapshot(snapshotIndex, store.term(snapshotIndex), snapshotMembership(snapshotIndex),
            snapshotData(snapshotIndex)));
        store.compactPrefix(snapshotIndex - 200);
      }
      store.sync();
      lastSynced = store.lastIndex();
      OUT.println("BW SYNCED " + from + " " + lastSynced + " " + term + " " + hs.term() + " " + hs.commitIndex() + " END");
      OUT.flush();
    }
  }

  private static void writeKeysForEver(Path dir, long seed, int round) throws InterruptedException {
    RaftNode node = RaftNode.builder()
        .nodeId("n1")
        .voters(Set.of("n1"))
        .store(MapDbLogStore.open(dir, SEGMENT_BYTES))
        .transport(new InMemoryNetwork().transport("n1"))
        .stateMachine(new KvStateMachine())
        .random(new SplittableRandom(seed))
        .tick(Duration.ofMillis(10))
        .build()
        .start();
    KvClient client = new KvClient(node);
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> node.status().role() == Role.LEADER);
    OUT.println("BW LEADER");
    OUT.flush();
    Semaphore inFlight = new Semaphore(32);
    for (int i = 0; ; i++) {
      inFlight.acquire();
      String key = "r" + round + "-" + i;
      client.put(key, value(key)).whenComplete((w, e) -> {
        inFlight.release();
        if (e == null && w.ok()) {
          synchronized (OUT) {
            OUT.println("BW ACK " + key + " END");
            OUT.flush();
          }
        }
      });
    }
  }

  static byte[] value(String key) {
    return ("value-of-" + key).getBytes(StandardCharsets.UTF_8);
  }

  private static void hold(Path dir) throws IOException {
    try (MapDbLogStore store = MapDbLogStore.open(dir, SEGMENT_BYTES)) {
      OUT.println("BW OPENED " + store.lastIndex() + " END");
      OUT.flush();
      while (System.in.read() >= 0) {
        // Hold the store until the test closes our stdin.
      }
    }
  }
}
