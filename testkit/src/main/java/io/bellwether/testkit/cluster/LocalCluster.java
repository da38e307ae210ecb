package io.bellwether.testkit.cluster;

import io.bellwether.core.engine.RaftConfig;
import io.bellwether.core.engine.Role;
import io.bellwether.core.runtime.NodeStatus;
import io.bellwether.core.runtime.RaftNode;
import io.bellwether.core.runtime.SnapshotPolicy;
import io.bellwether.core.spi.StateMachine;
import io.bellwether.testkit.inmem.CrashableLogStore;
import io.bellwether.testkit.inmem.FaultyNetwork;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * N real {@link RaftNode}s (each with its own thread) in one JVM, joined by a {@link FaultyNetwork}
 * whose links tests can cut, with {@link CrashableLogStore}s that survive a "kill" the way a disk
 * would: only what was synced.
 */
public final class LocalCluster implements AutoCloseable {

  /** Every node's tick: short, so elections take tens of milliseconds in a test. */
  public static final Duration TICK = Duration.ofMillis(10);

  private final Set<String> ids = new TreeSet<>();

  /** The founding voters: the bootstrap configuration of every node started with the cluster. */
  private final Set<String> founders = new TreeSet<>();
  private final FaultyNetwork network;
  private final Supplier<StateMachine> stateMachines;
  private final RaftConfig config;
  private final SnapshotPolicy snapshotPolicy;
  private final SplittableRandom seeds;
  private final Map<String, RaftNode> nodes = new LinkedHashMap<>();
  private final Map<String, CrashableLogStore> stores = new LinkedHashMap<>();
  private final Map<String, StateMachine> machines = new LinkedHashMap<>();

  /** {@code size} started voters n1..nN with the default Raft settings and snapshot policy. */
  public LocalCluster(int size, Supplier<StateMachine> stateMachines, long seed) {
    this(size, stateMachines, seed, RaftConfig.DEFAULT);
  }

  /** {@code size} started voters n1..nN with {@code config} (its tick is replaced by {@link #TICK}). */
  public LocalCluster(int size, Supplier<StateMachine> stateMachines, long seed, RaftConfig config) {
    this(size, stateMachines, seed, config, SnapshotPolicy.DEFAULT);
  }

  /**
   * {@code size} started voters n1..nN.
   *
   * @param stateMachines a new state machine per node start (a restart gets a fresh one, rebuilt from
   *     the snapshot and log its store kept)
   * @param seed drives message drops and every node's election randomness
   */
  public LocalCluster(
      int size, Supplier<StateMachine> stateMachines, long seed, RaftConfig config, SnapshotPolicy policy) {
    this.snapshotPolicy = policy;
    for (int i = 1; i <= size; i++) ids.add("n" + i);
    founders.addAll(ids);
    this.network = new FaultyNetwork("local", new Random(seed));
    this.stateMachines = stateMachines;
    this.config = config;
    this.seeds = new SplittableRandom(seed);
    for (String id : ids) {
      stores.put(id, new CrashableLogStore());
      start(id);
    }
  }

  /**
   * Starts node {@code id} with an empty store and no configuration, as a node that joins a running
   * cluster: it waits until the leader adds it ({@link RaftNode#addLearner}). It restarts the same
   * way; its store's configuration then wins.
   */
  public RaftNode join(String id) {
    if (ids.contains(id)) throw new IllegalArgumentException(id + " exists");
    ids.add(id);
    stores.put(id, new CrashableLogStore());
    start(id);
    return nodes.get(id);
  }

  private void start(String id) {
    StateMachine sm = stateMachines.get();
    RaftNode.Builder builder = RaftNode.builder();
    if (founders.contains(id)) {
      builder.voters(founders);
    } else {
      builder.joining();
    }
    RaftNode node =
        builder
            .nodeId(id)
            // Every node runs TICK-long ticks, whatever tick the given config names, and its
            // engine must know it (its heartbeats tell followers the timing its lease assumes).
            .raftConfig(config.withTickMicros(TICK.toNanos() / 1_000))
            .store(stores.get(id))
            .transport(network.transport(id))
            .stateMachine(sm)
            .random(seeds.split())
            .tick(TICK)
            .requestTimeout(Duration.ofSeconds(3))
            .snapshotPolicy(snapshotPolicy)
            .build()
            .start();
    nodes.put(id, node);
    machines.put(id, sm);
  }

  /** n1..nN and every node joined since, running or not. */
  public Set<String> ids() {
    return ids;
  }

  /** The node running as {@code id} now, or null while it is killed. */
  public RaftNode node(String id) {
    return nodes.get(id);
  }

  /** The store the node runs on now (a crash replaces it with what it had synced). */
  public CrashableLogStore store(String id) {
    return stores.get(id);
  }

  /** The state machine of the node's current start. */
  public StateMachine stateMachine(String id) {
    return machines.get(id);
  }

  /** The network joining the nodes: cut, isolate, drop or delay links on it. */
  public FaultyNetwork network() {
    return network;
  }

  /** Whether {@code id} runs (it was not killed, or was restarted since). */
  public boolean isRunning(String id) {
    return nodes.containsKey(id);
  }

  /** The single running node that believes it leads the highest term, if any. */
  public Optional<String> leader() {
    return nodes.values().stream()
        .map(RaftNode::status)
        .filter(s -> s.role() == Role.LEADER)
        .max((a, b) -> Long.compare(a.term(), b.term()))
        .map(NodeStatus::nodeId);
  }

  /** Stops a node as a crash would: whatever its store had not synced is lost. */
  public void kill(String id) {
    RaftNode node = nodes.remove(id);
    node.close();
    stores.put(id, stores.get(id).crashCopy());
    machines.remove(id);
  }

  /** Kills every node, then restarts them all on what their stores kept. */
  public void restartAll() {
    for (String id : ids) kill(id);
    for (String id : ids) restart(id);
  }

  /** Restarts a killed node on what its store kept. */
  public void restart(String id) {
    if (nodes.containsKey(id)) throw new IllegalStateException(id + " is running");
    start(id);
  }

  @Override
  public void close() {
    nodes.values().forEach(RaftNode::close);
    nodes.clear();
    network.close();
  }
}
