package io.bellwether.node;

import io.bellwether.core.kv.KvFormatException;
import io.bellwether.core.kv.KvLeases;
import io.bellwether.core.kv.KvStateMachine;
import io.bellwether.core.kv.LeaseKeeper;
import io.bellwether.core.runtime.NodeObserver;
import io.bellwether.core.runtime.RaftNode;
import io.bellwether.core.spi.Endpoint;
import io.bellwether.core.spi.LogStore;
import io.bellwether.core.spi.Transport;
import io.bellwether.core.watch.ChangeHistory;
import io.bellwether.node.config.ConfigException;
import io.bellwether.node.config.NodeConfig;
import io.bellwether.node.config.SettingKeys;
import io.bellwether.node.config.WatchConfig;
import io.bellwether.node.membership.Bootstrap;
import io.bellwether.node.metrics.CoordinationMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.time.Clock;

/** The Raft node a {@link BellwetherNode} runs, built from its configuration: one place for every setting it takes. */
final class NodeAssembly {

  /** How long an expiry proposal may stay unapplied before the leader proposes it again. */
  static final long LEASE_EXPIRY_RETRY_NANOS = 2_000_000_000L;

  private NodeAssembly() {}

  /**
   * The key-value state machine with what follows its state: the watch history and the lease clocks.
   */
  record KvState(KvStateMachine machine, ChangeHistory history, LeaseKeeper keeper) {}

  /**
   * @param modules where to find the module keeping the state on disk, unless {@code kv.state=memory}
   */
  static KvState kvState(NodeConfig config, Modules modules) {
    KvStateMachine machine = config.kvState().equals("memory")
        ? new KvStateMachine()
        : new KvStateMachine(modules.kvStorage(config.kvState()).open(config.dataDir().resolve("kv")),
            KvStateMachine.DEFAULT_IDEMPOTENCY_RETENTION_MILLIS, KvStateMachine.DEFAULT_IDEMPOTENCY_MAX_RECORDS);
    WatchConfig watch = config.watch();
    ChangeHistory history = new ChangeHistory(watch.historyChanges(), watch.historyBytes(), watch.maxStalledLag());
    LeaseKeeper keeper = new LeaseKeeper(System::nanoTime, LEASE_EXPIRY_RETRY_NANOS);
    machine.addListener(history);
    machine.addListener(keeper);
    return new KvState(machine, history, keeper);
  }

  /**
   * An unstarted node over {@code store} and {@code transport}, which it owns from here on: either
   * joining (it starts with no configuration) or bootstrapping the founders' configuration (used only
   * while its store holds none).
   *
   * @param http where this node's HTTP API really listens, for the bootstrap configuration
   */
  /** How often the leader looks for leases that ran out: expiry is late by at most this much. */
  static final long LEASE_CHECK_INTERVAL_MS = 100;

  /**
   * The leases of a started node, with the leader's expiry check on a Vert.x timer (cancelled when
   * Vert.x closes; after the node stops a proposal just fails) and the watch and lease meters.
   */
  static KvLeases leases(KvState kvState, RaftNode node, Vertx vertx, MeterRegistry registry) {
    KvLeases leases = new KvLeases(node, kvState.keeper(), Clock.systemUTC());
    vertx.setPeriodic(LEASE_CHECK_INTERVAL_MS, id -> leases.expireDue());
    CoordinationMetrics.register(kvState.history(), kvState.keeper(), registry);
    return leases;
  }

  static RaftNode raftNode(NodeConfig config, KvStateMachine stateMachine, LogStore store, Transport transport,
      NodeObserver observer, Endpoint http) {
    RaftNode.Builder builder = RaftNode.builder()
        .nodeId(config.nodeId())
        .raftConfig(config.raftConfig())
        .store(store)
        .transport(transport)
        .stateMachine(stateMachine)
        .tick(config.tick())
        .requestTimeout(config.requestTimeout())
        .inboxCapacity(config.inboxCapacity())
        .maxPendingRequests(config.maxPendingRequests())
        .snapshotPolicy(config.snapshotPolicy())
        .promotionMaxLag(config.membership().promotionMaxLag())
        .observer(observer);
    if (config.membership().startsEmpty()) builder.joining();
    else builder.bootstrap(Bootstrap.configuration(config, http));
    try {
      return builder.build(); // restores the store's latest snapshot into the state machine
    } catch (KvFormatException e) {
      throw new ConfigException("the data directory " + config.dataDir() + " cannot be opened with "
          + SettingKeys.KV_STATE + "=" + config.kvState() + ": " + e.getMessage(), e);
    }
  }
}
