package io.bellwether.bench;

import io.bellwether.core.HardState;
import io.bellwether.core.engine.RaftConfig;
import io.bellwether.core.engine.RaftEngine;
import io.bellwether.core.engine.Ready;
import io.bellwether.core.engine.Role;
import io.bellwether.core.message.Message;
import io.bellwether.core.spi.Snapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Raft engines wired to each other with no I/O: what one engine's ready() sends is handed to the
 * addressee's step() on the same thread, and nothing is persisted. Like core's EngineNet test
 * fixture, but with log compaction so that a long benchmark runs in bounded memory.
 */
final class SyncCluster {

  /** Compact an engine's log once it holds this many applied entries ... */
  private static final long COMPACT_AFTER_ENTRIES = 64 * 1024;

  /** ... keeping this tail, far more than a follower can lag here, so no snapshot is ever sent. */
  private static final long KEEP_TAIL_ENTRIES = 4 * 1024;

  private static final int MAX_ROUNDS = 10_000;
  private static final byte[] EMPTY_SNAPSHOT = new byte[0];

  private final Map<String, RaftEngine> engines = new LinkedHashMap<>();
  private final List<Message> inFlight = new ArrayList<>();

  SyncCluster(int size, RaftConfig config, long seed) {
    TreeSet<String> ids = new TreeSet<>();
    for (int i = 1; i <= size; i++) ids.add("n" + i);
    SplittableRandom seeds = new SplittableRandom(seed);
    for (String id : ids) {
      engines.put(id, new RaftEngine(id, ids, config, seeds.split(), HardState.INITIAL, null, List.of()));
    }
  }

  RaftEngine engine(String id) {
    return engines.get(id);
  }

  /** Ticks only {@code id} until it campaigns, lets the cluster settle, and checks it won. */
  RaftEngine elect(String id) {
    RaftEngine candidate = engines.get(id);
    for (int i = 0; i < 10 * candidate.config().electionTimeoutTicks() && candidate.role() == Role.FOLLOWER; i++) {
      candidate.tick();
    }
    stabilize();
    if (candidate.role() != Role.LEADER) throw new IllegalStateException(id + " did not win the election");
    return candidate;
  }

  /** Delivers messages until no engine has anything more to hand out. */
  void stabilize() {
    for (int round = 0; round < MAX_ROUNDS; round++) {
      for (RaftEngine e : engines.values()) {
        while (e.hasReady()) {
          Ready r = e.ready();
          inFlight.addAll(r.messages());
          e.advance(r); // nothing to persist or apply here: carried out once sent
        }
      }
      if (inFlight.isEmpty()) return;
      for (Message m : inFlight) engines.get(m.to()).step(m);
      inFlight.clear();
    }
    throw new IllegalStateException("cluster did not stabilize in " + MAX_ROUNDS + " rounds");
  }

  /** Takes an empty snapshot on each engine whose log grew long, as a node's snapshot policy would. */
  void compactLongLogs() {
    for (RaftEngine e : engines.values()) {
      long applied = e.appliedIndex();
      if (applied - e.firstIndex() < COMPACT_AFTER_ENTRIES) continue;
      e.snapshotTaken(new Snapshot(applied, e.termAt(applied), EMPTY_SNAPSHOT), KEEP_TAIL_ENTRIES);
    }
  }
}
