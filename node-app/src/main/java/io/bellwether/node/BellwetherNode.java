package io.bellwether.node;

import io.bellwether.core.HardState;
import io.bellwether.core.Membership;
import io.bellwether.core.engine.Role;
import io.bellwether.core.kv.KvClient;
import io.bellwether.core.kv.KvLimits;
import io.bellwether.core.kv.KvStateMachine;
import io.bellwether.core.runtime.MembershipAutopilot;
import io.bellwether.core.runtime.NodeStatus;
import io.bellwether.core.runtime.RaftNode;
import io.bellwether.core.spi.Discovery;
import io.bellwether.core.spi.DiscoveryProvider;
import io.bellwether.core.spi.Endpoint;
import io.bellwether.core.spi.LogStore;
import io.bellwether.core.spi.NodeContext;
import io.bellwether.core.spi.PeerAddress;
import io.bellwether.core.spi.StorageProvider;
import io.bellwether.core.spi.Transport;
import io.bellwether.core.spi.TransportProvider;
import io.bellwether.node.config.NodeConfig;
import io.bellwether.node.http.HttpApi;
import io.bellwether.node.http.NodeServices;
import io.bellwether.node.membership.ClusterIdentities;
import io.bellwether.node.membership.ClusterIdentity;
import io.bellwether.node.membership.JoinException;
import io.bellwether.node.membership.Joiner;
import io.bellwether.node.membership.MembershipDiscovery;
import io.bellwether.node.membership.Promoter;
import io.bellwether.node.metrics.LeaderTransferMetrics;
import io.bellwether.node.metrics.LeaderTransferMetrics.Outcome;
import io.bellwether.node.events.EventLog;
import io.bellwether.node.metrics.NodeMetrics;
import io.bellwether.core.kv.KvLeases;
import io.bellwether.node.metrics.RaftEventMetrics;
import io.bellwether.node.metrics.TransportMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running node, assembled from configuration: storage, the HTTP server, discovery, transport,
 * the Raft node with the key-value state machine, and metrics.
 *
 * <p>Order matters. Storage opens first, so a missing, locked or corrupt data directory fails before
 * anything listens. The HTTP server binds next, so discovery can announce its real port. On {@link
 * #close()} a leader first hands its leadership over (unless {@code shutdown.transfer.leadership} is
 * false), the HTTP server stops taking requests and lets those in flight finish, then the node stops
 * (closing transport and storage), then discovery and the rest. Any failure while starting closes
 * what was already opened.
 *
 * <p>The cluster's identity, which the transport's handshake carries, is settled right after storage
 * opens and before anything listens ({@link ClusterIdentities}): stored in the data directory, read
 * from the cluster a joining node joins, or derived from the configuration on a new node.
 *
 * <p>A node started with {@code membership.join} ({@code --join}) and no configuration in its store
 * joins a running cluster while it starts (see {@link Joiner}): {@link #start} returns once the
 * cluster has added it as a learner, or fails. With a configuration in its store it never asks,
 * whatever its settings say: its log says who the members are.
 */
public final class BellwetherNode implements AutoCloseable {

  /** How often the membership autopilot looks at discovery: well under its failure detection. */
  private static final long AUTOPILOT_INTERVAL_MS = 1_000;

  private static final Logger LOG = LoggerFactory.getLogger(BellwetherNode.class);

  private final NodeConfig config;
  private final Vertx vertx;
  private final PrometheusMeterRegistry registry;
  private final HttpApi http;
  private final Endpoint httpEndpoint;
  private final Discovery discovery;
  private final RaftNode node;
  private final KvClient kv;
  private final LeaderTransferMetrics transfers;
  private final long samplerTimer;
  private volatile Promoter promoter;
  private Membership joinedWith;
  /** The key-value state machine: closed after the node, which applies to it until it stops. */
  private KvStateMachine kvMachine;
  private boolean closed;
  private boolean handOverTaken;

  private BellwetherNode(NodeConfig config, Vertx vertx, PrometheusMeterRegistry registry, HttpApi http,
      Endpoint httpEndpoint, Discovery discovery, RaftNode node, KvClient kv, LeaderTransferMetrics transfers,
      long samplerTimer) {
    this.config = config;
    this.vertx = vertx;
    this.registry = registry;
    this.http = http;
    this.httpEndpoint = httpEndpoint;
    this.discovery = discovery;
    this.node = node;
    this.kv = kv;
    this.transfers = transfers;
    this.samplerTimer = samplerTimer;
  }

  /**
   * Assembles and starts a node.
   *
   * @throws io.bellwether.node.config.ConfigException for an unknown module or a setting a module
   *     refuses
   * @throws Exception whatever a module throws while opening or starting (a storage or transport
   *     error), after closing what was opened
   */
  public static BellwetherNode start(NodeConfig config, Modules modules) throws Exception {
    TransportProvider transportProvider = modules.transport(config.transport());
    StorageProvider storageProvider = modules.storage(config.storage());
    DiscoveryProvider discoveryProvider = modules.discovery(config.discovery());
    // The store opens before the cluster's identity is known: the identity file lies in its data
    // directory, and whether its log is empty decides where the identity comes from.
    NodeContext storeContext = new NodeContext(config.clusterId(), config.nodeId(), config.dataDir(), config.settings());

    Deque<AutoCloseable> opened = new ArrayDeque<>();
    try {
      LogStore store = storageProvider.open(storeContext);
      AutoCloseable closeStore = store::close;
      opened.push(closeStore);
      boolean storeHoldsData = store.lastIndex() > 0 || !store.hardState().equals(HardState.INITIAL);
      ClusterIdentity identity = ClusterIdentities.establish(config, storeHoldsData);
      // Discovery and transport see the identity: the handshake refuses a node of another cluster.
      NodeContext context = new NodeContext(identity.id(), config.nodeId(), config.dataDir(), config.settings());

      Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(2)
          .setInternalBlockingPoolSize(2));
      opened.push(() -> vertx.close().toCompletionStage().toCompletableFuture().get());
      // The name, not the identity: dashboards group by what the operator named the cluster.
      PrometheusMeterRegistry registry = NodeMetrics.registry(config.nodeId(), config.clusterId());
      opened.push(registry::close);

      HttpApi http = new HttpApi(vertx, registry, config.maxValueBytes(), config.security().tls(),
          config.security().gate());
      opened.push(http);
      Endpoint httpEndpoint = http.listen(config.httpListen(), Duration.ofSeconds(10));

      PeerAddress self = new PeerAddress(config.nodeId(), config.peerListen(), httpEndpoint);
      // Also reaches the members added while the cluster runs, which no configured list names.
      Discovery configured = discoveryProvider.create(context, self);
      MembershipDiscovery discovery = new MembershipDiscovery(configured, config.nodeId());
      opened.push(discovery);
      discovery.start(peers -> LOG.info("node {} knows peers {}", config.nodeId(), peers.keySet()));

      Transport transport = transportProvider.create(context, discovery);
      AutoCloseable closeTransport = transport::close;
      opened.push(closeTransport);
      NodeAssembly.KvState kvState = NodeAssembly.kvState(config, modules);
      // Closed after the node, which applies to it until it stops.
      AutoCloseable closeKvState = kvState.machine()::close;
      opened.push(closeKvState);
      EventLog events = new EventLog(config.nodeId(), Clock.systemUTC(), config.eventsSyncStallMillis(), registry);
      RaftNode node = NodeAssembly.raftNode(config, kvState.machine(), store, transport,
          new ObserverFanOut(new RaftEventMetrics(registry), events, discovery.follower()), httpEndpoint);
      // From here the node owns the transport and the store and closes them itself.
      opened.remove(closeStore);
      opened.remove(closeTransport);
      opened.push(node);
      // What the store holds, before the transport takes its first connection.
      discovery.update(node.status().membership());
      Joiner joiner = Joiner.ifNeeded(config, httpEndpoint, node.status().membership(), discovery);
      if (joiner != null) joiner.checkCluster(); // before the transport listens: see Joiner
      node.start();

      KvClient kv = new KvClient(node, new KvLimits(config.maxValueBytes()), Clock.systemUTC());
      NodeMetrics metrics = new NodeMetrics(node, registry);
      LeaderTransferMetrics transfers = new LeaderTransferMetrics(registry);
      TransportMetrics.register(transport, registry);
      long timer = vertx.setPeriodic(100, id -> metrics.sample());
      KvLeases leases = NodeAssembly.leases(kvState, node, vertx, registry);
      if (config.membership().autopilot() != null) {
        // The configured discovery, not the one the log fills in: only what discovery itself sees
        // may add a member, or keep one from being removed.
        MembershipAutopilot pilot = new MembershipAutopilot(node, configured, config.membership().autopilot());
        vertx.setPeriodic(AUTOPILOT_INTERVAL_MS, id -> pilot.reconcile());
        LOG.info("node {}: membership autopilot on ({})", config.nodeId(), config.membership().autopilot());
      }
      http.attach(new NodeServices(node, kv, discovery, config.forwardWrites(), config.requestTimeout(), transfers,
          identity, kvState.history(), leases, config.watch(), events));
      // HTTP serves meanwhile: GET /v1/cluster shows a node waiting to join.
      Membership joined = joiner != null ? joiner.join() : null;
      LOG.info("node {} of cluster {} ({}) serving {}://{} (peer {}; transport={} storage={} discovery={}; tokens {})",
          config.nodeId(), config.clusterId(), identity.id(), config.security().scheme(), httpEndpoint,
          config.peerListen(), config.transport(), config.storage(), config.discovery(),
          config.security().tokensFile() == null ? "off" : "from " + config.security().tokensFile());
      BellwetherNode started =
          new BellwetherNode(config, vertx, registry, http, httpEndpoint, discovery, node, kv, transfers, timer);
      started.joinedWith = joined;
      started.kvMachine = kvState.machine();
      if (config.membership().promote()) {
        started.promoter = new Promoter(config.nodeId(), node::status, config.membership().join(),
            URI.create(started.httpUrl()), config.requestTimeout(), config.security().clusterCredentials()).start();
      }
      return started;
    } catch (JoinException e) {
      closeAll(opened, e);
      throw new JoinException("node " + config.nodeId() + " could not join the cluster at "
          + config.membership().join() + ": " + e.getMessage());
    } catch (Exception | Error e) {
      closeAll(opened, e);
      throw e;
    }
  }

  private static void closeAll(Deque<AutoCloseable> opened, Throwable cause) {
    while (!opened.isEmpty()) {
      try {
        opened.pop().close();
      } catch (Exception | Error e) {
        cause.addSuppressed(e);
      }
    }
  }

  public String nodeId() {
    return config.nodeId();
  }

  public NodeConfig config() {
    return config;
  }

  /** Where the HTTP API listens (the real port when configured with port 0). */
  public Endpoint httpEndpoint() {
    return httpEndpoint;
  }

  /** The API's URL: {@code https://host:port} with {@code http.tls.cert}, else {@code http://host:port}. */
  public String httpUrl() {
    return config.security().scheme() + "://" + httpEndpoint;
  }

  /**
   * The configuration the cluster answered with when this node joined it while starting ({@code
   * membership.join}, and no configuration in its store); empty when it did not join this time.
   */
  public Optional<Membership> joinedWith() {
    return Optional.ofNullable(joinedWith);
  }

  public NodeStatus status() {
    return node.status();
  }

  /**
   * Completes when the Raft node has stopped: normally after {@link #close()}, exceptionally when it
   * stopped on its own on an unrecoverable error (see {@link RaftNode#stopped()}). The process
   * should then exit, so that its supervisor restarts it from its durable state, rather than keep
   * answering HTTP for a node that no longer takes part in the cluster.
   */
  public java.util.concurrent.CompletableFuture<Void> raftStopped() {
    return node.stopped();
  }

  /** The key-value facade over this node (for embedding and tests). */
  public KvClient kv() {
    return kv;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /**
   * Graceful stop: a leader first hands its leadership to the most caught-up voter and waits until
   * that one leads ({@link #handOverLeadership}); then stop taking HTTP requests and let those in
   * flight finish (up to {@code shutdown.grace}), stop the node (pending requests fail as outcome
   * unknown or shutting down), close transport and storage, then discovery and Vert.x. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    LOG.info("node {} stopping", config.nodeId());
    Promoter asking = promoter;
    if (asking != null) asking.close();
    handOverLeadership();
    vertx.cancelTimer(samplerTimer);
    http.shutdown(config.shutdownGrace());
    http.close();
    node.close();
    if (kvMachine != null) kvMachine.close();
    discovery.close();
    registry.close();
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get();
    } catch (Exception e) {
      LOG.warn("Vert.x did not close cleanly: {}", e.toString());
    }
    LOG.info("node {} stopped", config.nodeId());
  }

  /**
   * The first step of a graceful stop ({@link #close()} takes it, unless {@code
   * shutdown.transfer.leadership} is false): if this node leads and has another voter to hand over
   * to, it hands its leadership to the most caught-up voter and waits until that one leads, for at
   * most about two election timeouts, so that the others need not notice the silence and elect a
   * leader an election timeout later. The HTTP API still serves meanwhile: writes arriving during the
   * transfer wait, and once it is done go on to the new leader through forwarding. Whatever happens
   * is logged, and the node stops after. Taken once: a caller that wants to show the outcome
   * ({@code bellwether node} prints it) calls this before {@link #close()}.
   *
   * @return what happened, in one line; empty when there was nothing to do (the setting is off, the
   *     step was taken already, or this node does not lead or is the only voter)
   */
  public synchronized Optional<String> handOverLeadership() {
    if (handOverTaken) return Optional.empty();
    handOverTaken = true;
    NodeStatus s = node.status();
    if (!config.shutdownTransferLeadership() || !s.running() || s.role() != Role.LEADER || s.voters().size() < 2) {
      return Optional.empty();
    }
    long electionTimeoutNanos = config.tick().toNanos() * config.raftConfig().electionTimeoutTicks();
    // The node gives up after two election timeouts of its ticks; a little more here for its thread.
    long boundNanos = 2 * electionTimeoutNanos + 4 * config.tick().toNanos();
    long start = System.nanoTime();
    String id = config.nodeId();
    try {
      String leader = node.transferLeadership(null).get(boundNanos, TimeUnit.NANOSECONDS);
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      if (leader.equals(id)) return report(false, "node " + id + " stops as leader: no other voter to hand over to");
      transfers.record(Outcome.MOVED);
      return report(false, "node " + id + " handed its leadership to " + leader + " in " + ms + " ms before stopping");
    } catch (ExecutionException e) {
      transfers.record(Outcome.ofFailure(e.getCause()));
      return report(true, "node " + id + " could not hand over its leadership before stopping (" + e.getCause()
          + ") after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms; stopping anyway:"
          + " the others elect a leader after an election timeout");
    } catch (TimeoutException e) {
      transfers.record(Outcome.UNKNOWN);
      return report(true, "node " + id + " did not see its leadership move within "
          + TimeUnit.NANOSECONDS.toMillis(boundNanos) + " ms; stopping anyway: the others elect a leader after an"
          + " election timeout");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      transfers.record(Outcome.UNKNOWN);
      return report(true, "node " + id + " was interrupted while handing over its leadership; stopping");
    }
  }

  private static Optional<String> report(boolean warn, String line) {
    if (warn) LOG.warn(line);
    else LOG.info(line);
    return Optional.of(line);
  }
}
