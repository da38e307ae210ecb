package io.bellwether.storage.mapdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bellwether.core.HardState;
import io.bellwether.core.LogEntry;
import io.bellwether.core.engine.RaftConfig;
import io.bellwether.core.engine.Role;
import io.bellwether.core.inmem.InMemoryNetwork;
import io.bellwether.core.kv.KvClient;
import io.bellwether.core.kv.KvRead;
import io.bellwether.core.kv.KvStateMachine;
import io.bellwether.core.kv.KvWrite;
import io.bellwether.core.runtime.NodeStatus;
import io.bellwether.core.runtime.RaftNode;
import io.bellwether.core.runtime.ReadConsistency;
import io.bellwether.core.runtime.SnapshotPolicy;
import io.bellwether.core.spi.LogStore;
import io.bellwether.core.spi.Snapshot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// Goal: a cluster whose nodes keep only a small part of the log in memory, engine and store alike, still
// brings a follower that was down for thousands of entries up to date, with exactly the leader's entries,
// read back from the leader's WAL segments; and the follower restarts without loading its log.
// Method: three RaftNodes on MapDbLogStore (engine cache 32 entries / 32 KiB, store cache 16 / 16 KiB, no
// snapshots, so only entries can catch the follower up); n3 stops, 3,000 writes of 1 KB go in, n3 restarts.
// Each store is watched on its node thread: the entries the engine read back, and the store's cached bytes
// after every sync. At the end the three logs are compared entry by entry, read from disk.
class BoundedLogClusterTest {

  private static final int WRITES = 3000;
  private static final int ENGINE_CACHE_ENTRIES = 32;
  private static final long ENGINE_CACHE_BYTES = 32 << 10;
  private static final int STORE_CACHE_ENTRIES = 16;
  private static final long STORE_CACHE_BYTES = 16 << 10;
  private static final long SEGMENT_BYTES = 1 << 20;
  /** The default tick (50 ms): elections stay rare on a loaded machine; nothing here waits for ticks. */
  private static final RaftConfig CONFIG = RaftConfig.DEFAULT.withLogCache(ENGINE_CACHE_ENTRIES, ENGINE_CACHE_BYTES);
  private static final Set<String> VOTERS = Set.of("n1", "n2", "n3");

  @TempDir Path root;
  private final InMemoryNetwork network = new InMemoryNetwork();
  private final Map<String, RaftNode> nodes = new LinkedHashMap<>();
  private final Map<String, WatchedStore> stores = new LinkedHashMap<>();
  private long maxEngineCache;

  @AfterEach
  void closeNodes() {
    nodes.values().forEach(RaftNode::close);
  }

  @Test
  void aFollowerFarBehindCatchesUpFromTheLeadersDiskWhileMemoryStaysBounded() throws Exception {
    for (String id : VOTERS) start(id);
    String leader = awaitLeader();
    String lagging = VOTERS.stream().filter(id -> !id.equals(leader)).sorted().findFirst().orElseThrow();
    nodes.remove(lagging).close();

    KvClient client = new KvClient(nodes.get(leader));
    List<CompletableFuture<KvWrite>> window = new ArrayList<>();
    for (int i = 0; i < WRITES; i++) {
      window.add(client.put(key(i), value(i)));
      if (window.size() == 100) {
        for (CompletableFuture<KvWrite> w : window) w.get(30, TimeUnit.SECONDS);
        window.clear();
        sampleEngineCaches();
      }
    }
    for (CompletableFuture<KvWrite> w : window) w.get(30, TimeUnit.SECONDS);
    long readBackBefore = readBackByOthers(lagging);

    start(lagging);
    long leaderLast = nodes.get(leader).status().lastIndex();
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      sampleEngineCaches();
      return nodes.get(lagging).status().appliedIndex() >= leaderLast;
    });

    // The leader fed the follower thousands of entries its cache no longer held: from its segments.
    // (Counted on both other nodes: on a loaded machine the leadership may move meanwhile.)
    assertThat(readBackByOthers(lagging) - readBackBefore).isGreaterThan(WRITES - ENGINE_CACHE_ENTRIES);
    KvClient onLagging = new KvClient(nodes.get(lagging));
    for (int i = 0; i < WRITES; i += 7) {
      KvRead read = onLagging.get(key(i), ReadConsistency.STALE, 0).get(10, TimeUnit.SECONDS);
      assertThat(read.value()).as("value of %s on %s", key(i), lagging).isEqualTo(value(i));
    }
    assertThat(maxEngineCache).as("largest engine cache seen").isLessThanOrEqualTo(ENGINE_CACHE_BYTES);
    for (Map.Entry<String, WatchedStore> s : stores.entrySet()) {
      assertThat(s.getValue().maxCachedBytes.get()).as("%s's store cache", s.getKey()).isLessThanOrEqualTo(STORE_CACHE_BYTES);
    }

    for (RaftNode n : nodes.values()) n.close();
    nodes.clear();
    assertSameLogs(leader, lagging, leaderLast);
  }

  private void start(String id) {
    MapDbLogStore store = MapDbLogStore.open(root.resolve(id), SEGMENT_BYTES, STORE_CACHE_ENTRIES, STORE_CACHE_BYTES);
    WatchedStore watched = new WatchedStore(store);
    stores.put(id, watched);
    nodes.put(id, RaftNode.builder().nodeId(id).voters(VOTERS).store(watched)
        .transport(network.transport(id)).stateMachine(new KvStateMachine()).raftConfig(CONFIG)
        .snapshotPolicy(SnapshotPolicy.NEVER).random(new SplittableRandom(id.hashCode())).build().start());
  }

  private String awaitLeader() {
    await().atMost(Duration.ofSeconds(30)).until(() -> nodes.values().stream().anyMatch(
        n -> n.status().role() == Role.LEADER && n.status().appliedIndex() >= 1));
    return nodes.values().stream().filter(n -> n.status().role() == Role.LEADER).findFirst().orElseThrow()
        .status().nodeId();
  }

  private long readBackByOthers(String lagging) {
    return stores.entrySet().stream().filter(s -> !s.getKey().equals(lagging))
        .mapToLong(s -> s.getValue().readBack.get()).sum();
  }

  private void sampleEngineCaches() {
    for (RaftNode n : nodes.values()) {
      NodeStatus s = n.status();
      maxEngineCache = Math.max(maxEngineCache, s.cachedLogBytes());
    }
  }

  /** The leader's log up to {@code last}, entry for entry as the follower holds it, read from disk. */
  private void assertSameLogs(String leader, String lagging, long last) {
    try (MapDbLogStore l = MapDbLogStore.open(root.resolve(leader), SEGMENT_BYTES, 0, 0);
        MapDbLogStore f = MapDbLogStore.open(root.resolve(lagging), SEGMENT_BYTES, 0, 0)) {
      assertThat(last).isGreaterThan(WRITES);
      assertThat(f.lastIndex()).isGreaterThanOrEqualTo(last);
      for (long from = 1; from <= last; ) {
        List<LogEntry> expected = l.entries(from, last + 1, 256 << 10);
        assertThat(f.entries(from, from + expected.size(), Long.MAX_VALUE)).containsExactlyElementsOf(expected);
        from += expected.size();
      }
    }
  }

  private static String key(int i) {
    return "key-" + i;
  }

  private static byte[] value(int i) {
    byte[] v = new byte[1000];
    Arrays.fill(v, (byte) ('a' + i % 26));
    byte[] tag = Integer.toString(i).getBytes(StandardCharsets.UTF_8);
    System.arraycopy(tag, 0, v, 0, tag.length);
    return v;
  }

  /**
   * A store that notes, on its node's thread, how many entries were read back through it (only the
   * engine reads entries once the node runs) and its cached bytes after every sync.
   */
  private static final class WatchedStore implements LogStore {
    private final MapDbLogStore store;
    final AtomicLong readBack = new AtomicLong();
    final AtomicLong maxCachedBytes = new AtomicLong();

    WatchedStore(MapDbLogStore store) {
      this.store = store;
    }

    @Override
    public List<LogEntry> entries(long fromIndex, long toIndex, long maxBytes) {
      List<LogEntry> read = store.entries(fromIndex, toIndex, maxBytes);
      readBack.addAndGet(read.size());
      return read;
    }

    @Override
    public void sync() {
      store.sync();
      maxCachedBytes.accumulateAndGet(store.cachedBytes(), Math::max);
    }

    @Override
    public HardState hardState() {
      return store.hardState();
    }

    @Override
    public void saveHardState(HardState state) {
      store.saveHardState(state);
    }

    @Override
    public long firstIndex() {
      return store.firstIndex();
    }

    @Override
    public long lastIndex() {
      return store.lastIndex();
    }

    @Override
    public long term(long index) {
      return store.term(index);
    }

    @Override
    public void append(List<LogEntry> entries) {
      store.append(entries);
    }

    @Override
    public void truncateSuffix(long fromIndex) {
      store.truncateSuffix(fromIndex);
    }

    @Override
    public void compactPrefix(long upToIndex) {
      store.compactPrefix(upToIndex);
    }

    @Override
    public Optional<Snapshot> snapshot() {
      return store.snapshot();
    }

    @Override
    public void saveSnapshot(Snapshot snapshot) {
      store.saveSnapshot(snapshot);
    }

    @Override
    public void close() {
      store.close();
    }
  }
}
