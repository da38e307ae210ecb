package io.bellwether.core.engine;

import io.bellwether.core.HardState;
import io.bellwether.core.LogEntry;
import io.bellwether.core.inmem.InMemoryLogStore;
import io.bellwether.core.message.Message;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * A tiny synchronous network of engines for rule-by-rule engine tests: messages produced by one
 * engine's ready() are delivered to the others by {@link #stabilize()}, unless a link is cut or a
 * filter drops them. Persistence is ignored (these tests look at the protocol only), except in a
 * net {@link #withStores built with stores}: there each engine persists its Readys into its own
 * in-memory store and reads back through it the entries its bounded cache let go.
 */
final class EngineNet {

  final Map<String, RaftEngine> engines = new LinkedHashMap<>();
  final List<Message> delivered = new ArrayList<>();
  final Map<String, List<LogEntry>> applied = new LinkedHashMap<>();
  final Map<String, List<ReadState>> readStates = new LinkedHashMap<>();
  private final Set<String> cut = new HashSet<>();
  private Predicate<Message> drop = m -> false;
  private Rewriter rewriter = m -> m;
  /** Each engine's store, in a net built {@link #withStores}; else empty. */
  final Map<String, InMemoryLogStore> stores = new LinkedHashMap<>();
  /** Entries each engine read back from its store, in a net built {@link #withStores}. */
  final Map<String, Long> readBack = new LinkedHashMap<>();

  /** Alters a message in flight (to corrupt it, say). */
  interface Rewriter {
    Message rewrite(Message m);
  }

  void rewriteWith(Rewriter r) {
    this.rewriter = r;
  }

  static EngineNet of(int n, RaftConfig config, long seed) {
    return of(n, id -> config, seed);
  }

  /** Nodes n1..n{@code n}, each with its own settings (tick and election timeout are per node). */
  static EngineNet of(int n, java.util.function.Function<String, RaftConfig> configOf, long seed) {
    return of(n, configOf, seed, id -> SnapshotPorts.IN_HEAP);
  }

  /** Nodes n1..n{@code n} whose snapshots go out and come in through {@code portsOf} theirs. */
  static EngineNet of(int n, java.util.function.Function<String, RaftConfig> configOf, long seed,
      java.util.function.Function<String, SnapshotPorts> portsOf) {
    EngineNet net = new EngineNet();
    Set<String> ids = new java.util.TreeSet<>();
    for (int i = 1; i <= n; i++) ids.add("n" + i);
    SplittableRandom seeds = new SplittableRandom(seed);
    for (String id : ids) {
      net.engines.put(
          id,
          new RaftEngine(id, io.bellwether.core.Membership.ofVoters(ids), configOf.apply(id),
              seeds.split(), HardState.INITIAL, null, List.of(), portsOf.apply(id)));
      net.applied.put(id, new ArrayList<>());
      net.readStates.put(id, new ArrayList<>());
    }
    return net;
  }

  /**
   * Nodes n1..n{@code n}, each persisting what its Readys hand out into its own {@link
   * InMemoryLogStore} and reading entries back through it ({@code config} sets the cache bounds).
   */
  static EngineNet withStores(int n, RaftConfig config, long seed) {
    EngineNet net = new EngineNet();
    Set<String> ids = new java.util.TreeSet<>();
    for (int i = 1; i <= n; i++) ids.add("n" + i);
    SplittableRandom seeds = new SplittableRandom(seed);
    for (String id : ids) {
      InMemoryLogStore store = new InMemoryLogStore();
      net.stores.put(id, store);
      net.readBack.put(id, 0L);
      net.engines.put(id, new RaftEngine(id, io.bellwether.core.Membership.ofVoters(ids), config,
          seeds.split(), HardState.INITIAL, null, net.countingReader(id, store), 0, SnapshotPorts.IN_HEAP));
      net.applied.put(id, new ArrayList<>());
      net.readStates.put(id, new ArrayList<>());
    }
    return net;
  }

  /** Reads {@code store}, counting the entries read into {@link #readBack}. */
  LogReader countingReader(String id, InMemoryLogStore store) {
    return new LogReader() {
      @Override
      public List<LogEntry> entries(long fromIndex, long toIndex, long maxBytes) {
        List<LogEntry> read = store.entries(fromIndex, toIndex, maxBytes);
        readBack.merge(id, (long) read.size(), Long::sum);
        return read;
      }

      @Override
      public long term(long index) {
        return store.term(index);
      }
    };
  }

  /**
   * Starts node {@code id} with no configuration, as a node that joins a running cluster does: it
   * waits for a leader to add it and send it the log.
   */
  RaftEngine join(String id, RaftConfig config, long seed) {
    RaftEngine e = new RaftEngine(id, io.bellwether.core.Membership.EMPTY, config,
        new SplittableRandom(seed), HardState.INITIAL, null, List.of());
    engines.put(id, e);
    applied.put(id, new ArrayList<>());
    readStates.put(id, new ArrayList<>());
    return e;
  }

  RaftEngine get(String id) {
    return engines.get(id);
  }

  void isolate(String id) {
    for (String other : engines.keySet()) {
      cut.add(id + ">" + other);
      cut.add(other + ">" + id);
    }
  }

  /** Cuts the link between {@code a} and {@code b}, both ways. */
  void isolateLink(String a, String b) {
    cut.add(a + ">" + b);
    cut.add(b + ">" + a);
  }

  void healAll() {
    cut.clear();
  }

  void dropWhen(Predicate<Message> filter) {
    this.drop = filter;
  }

  /** Collects ready() from one engine, recording applied entries and read states. */
  List<Message> drain(String id) {
    RaftEngine e = engines.get(id);
    List<Message> out = new ArrayList<>();
    while (e.hasReady()) {
      Ready r = e.ready();
      InMemoryLogStore store = stores.get(id);
      if (store != null) {
        if (r.snapshot() != null) store.saveSnapshot(r.snapshot());
        if (!r.entries().isEmpty()) store.append(r.entries());
        if (r.hardState() != null) store.saveHardState(r.hardState());
      }
      out.addAll(r.messages());
      applied.get(id).addAll(r.committedEntries());
      readStates.get(id).addAll(r.readStates());
      e.advance(r);
    }
    return out;
  }

  /**
   * One engine's next Ready, advanced at once: for tests that look at what an engine hands out and
   * have nothing to persist or apply.
   */
  static Ready readyAndAdvance(RaftEngine e) {
    Ready r = e.ready();
    e.advance(r);
    return r;
  }

  /** Delivers messages until no engine has anything more to say. */
  void stabilize() {
    for (int round = 0; round < 10_000; round++) {
      List<Message> inFlight = new ArrayList<>();
      for (String id : engines.keySet()) inFlight.addAll(drain(id));
      if (inFlight.isEmpty()) return;
      for (Message sent : inFlight) {
        if (cut.contains(sent.from() + ">" + sent.to()) || drop.test(sent)) continue;
        Message m = rewriter.rewrite(sent);
        delivered.add(m);
        engines.get(m.to()).step(m);
      }
    }
    throw new AssertionError("network did not stabilize");
  }

  /** Ticks {@code id} until it starts an election, then lets the network settle. */
  void campaign(String id) {
    RaftEngine e = engines.get(id);
    for (int i = 0; i < 10 * e.config().electionTimeoutTicks() && e.role() == Role.FOLLOWER; i++) {
      e.tick();
    }
    stabilize();
  }

  void tickAll(int ticks) {
    for (int i = 0; i < ticks; i++) {
      for (RaftEngine e : engines.values()) e.tick();
      stabilize();
    }
  }

  String leader() {
    return engines.values().stream()
        .filter(e -> e.role() == Role.LEADER)
        .map(RaftEngine::id)
        .findFirst()
        .orElse(null);
  }
}
