package io.bellwether.node.config;

import static io.bellwether.node.config.SettingKeys.*;

import io.bellwether.core.engine.RaftConfig;
import io.bellwether.core.runtime.SnapshotPolicy;
import io.bellwether.core.discovery.StaticDiscovery;
import io.bellwether.core.kv.KvLimits;
import io.bellwether.core.spi.Endpoint;
import io.bellwether.core.spi.PeerAddress;
import io.bellwether.core.spi.Settings;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * One node's configuration, validated as a whole at start-up. Every bad value fails with a {@link
 * ConfigException} naming the setting and the value.
 *
 * @param dataDir the data directory, or null when storage keeps nothing on disk ({@code inmem})
 * @param voters every voting member of the cluster this node founds, this node included; empty for a
 *     node that joins a running cluster ({@link MembershipConfig#joining()}), which takes its
 *     configuration from that cluster
 * @param staticPeers the peers listed in {@code discovery.static.peers} (empty when none)
 * @param shutdownTransferLeadership whether a leader asked to stop first hands its leadership to the
 *     most caught-up voter (bounded by two election timeouts), so a planned restart costs no election
 * @param membership joining a running cluster, and judging promotions
 * @param settings every setting, with the derived ones filled in, handed to the modules ({@code voters}
 *     holds the founders' list, also for a node that waits for discovery to add it)
 * @param security the HTTP API's HTTPS, tokens and roles, and what this node presents to others
 * @param watch the watch history's bounds and watch streams' heartbeat
 */
public record NodeConfig(
    String nodeId,
    String clusterId,
    Path dataDir,
    Set<String> voters,
    Endpoint peerListen,
    Endpoint httpListen,
    String transport,
    String storage,
    String kvState,
    String discovery,
    Map<String, PeerAddress> staticPeers,
    Duration tick,
    Duration requestTimeout,
    int maxValueBytes,
    int inboxCapacity,
    int maxPendingRequests,
    RaftConfig raftConfig,
    SnapshotPolicy snapshotPolicy,
    boolean forwardWrites,
    Duration shutdownGrace,
    boolean shutdownTransferLeadership,
    MembershipConfig membership,
    Settings settings,
    SecurityConfig security,
    WatchConfig watch) {

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Pattern PROVIDER = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");

  /** Validates {@code s} and fills in defaults. */
  public static NodeConfig from(Settings s) {
    try {
      return build(s);
    } catch (ConfigException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      // Settings' typed getters already name the setting and the value.
      throw new ConfigException(e.getMessage(), e);
    }
  }

  private static NodeConfig build(Settings s) {
    String nodeId = id(s, NODE_ID, s.getString(NODE_ID, Defaults.NODE_ID));
    String clusterId = id(s, CLUSTER_ID, s.getString(CLUSTER_ID, Defaults.CLUSTER_ID));
    String transport = provider(s, TRANSPORT, Defaults.TRANSPORT);
    String storage = provider(s, STORAGE, Defaults.STORAGE);
    String discovery = provider(s, DISCOVERY, Defaults.DISCOVERY);

    Map<String, PeerAddress> peers = StaticDiscovery.parsePeers(s.getString(STATIC_PEERS, ""));
    PeerAddress listedSelf = peers.get(nodeId);
    Endpoint peerListen = endpoint(s, PEER_LISTEN,
        listedSelf != null ? listedSelf.peer().toString() : Defaults.PEER_LISTEN);
    Endpoint httpListen = endpoint(s, HTTP_LISTEN,
        listedSelf != null && listedSelf.http() != null ? listedSelf.http().toString() : Defaults.HTTP_LISTEN);

    MembershipConfig membership = MembershipConfig.from(s, discovery, awaitsDiscovery(s, nodeId, discovery));
    Set<String> voters = membership.startsEmpty() ? joiningVoters(s, membership) : voters(s, nodeId, discovery, peers);
    if (membership.joining() && peerListen.port() == 0) {
      // A joining node announces this address to the cluster, which must be able to connect to it.
      throw ConfigException.invalid(PEER_LISTEN, peerListen.toString(), "a real port when " + JOIN
          + " (--join) is given: the cluster connects to the address this node announces");
    }
    Path dataDir = dataDir(s, storage, nodeId);
    String kvState = kvState(s, dataDir);
    SecurityConfig security = SecurityConfig.from(s);
    for (java.net.URI url : membership.join()) {
      // One scheme for the whole cluster: this node's own HTTPS setting says how it reaches the others.
      if (!url.getScheme().equals(security.scheme())) {
        throw ConfigException.invalid(JOIN, s.get(JOIN).orElse(""), security.scheme() + "://host:port URLs: every node"
            + " of a cluster serves the same scheme, and this one serves " + security.scheme()
            + (security.tls() == null ? " (no " + HTTP_TLS_CERT + ")" : " (" + HTTP_TLS_CERT + " is set)"));
      }
    }

    Duration tick = duration(s, TICK, Duration.ofMillis(Defaults.TICK_MS), Duration.ofMillis(1), Duration.ofSeconds(10));
    Duration requestTimeout = duration(s, REQUEST_TIMEOUT, Duration.ofMillis(Defaults.REQUEST_TIMEOUT_MS),
        Duration.ofMillis(1), Duration.ofMinutes(10));
    if (requestTimeout.compareTo(tick) < 0) {
      throw ConfigException.invalid(REQUEST_TIMEOUT, s.get(REQUEST_TIMEOUT).orElse(requestTimeout.toMillis() + "ms"),
          "at least one tick (" + tick.toMillis() + "ms)");
    }
    int maxValueBytes = s.getInt(MAX_VALUE_BYTES, KvLimits.DEFAULT_MAX_VALUE_BYTES, 0, 64 << 20);
    int inboxCapacity = s.getInt(INBOX_CAPACITY, Defaults.INBOX_CAPACITY, 16, 1 << 22);
    int maxPending = s.getInt(MAX_PENDING_REQUESTS, Defaults.MAX_PENDING_REQUESTS, 1, 1 << 22);
    RaftConfig raft = raftConfig(s, tick);
    SnapshotPolicy snapshots = new SnapshotPolicy(
        s.getLong(SNAPSHOT_ENTRIES, SnapshotPolicy.DEFAULT.thresholdEntries(), 1, Long.MAX_VALUE),
        s.getLong(SNAPSHOT_BYTES, SnapshotPolicy.DEFAULT.thresholdBytes(), 1, Long.MAX_VALUE),
        s.getLong(SNAPSHOT_CATCHUP_ENTRIES, SnapshotPolicy.DEFAULT.catchUpTailEntries(), 0, Long.MAX_VALUE));
    boolean forwardWrites = s.getBoolean(FORWARD_WRITES, true);
    Duration grace = duration(s, SHUTDOWN_GRACE, Duration.ofMillis(Defaults.SHUTDOWN_GRACE_MS),
        Duration.ZERO, Duration.ofMinutes(10));
    boolean transferOnStop = s.getBoolean(SHUTDOWN_TRANSFER_LEADERSHIP, Defaults.SHUTDOWN_TRANSFER_LEADERSHIP);
    syncStallMillis(s); // checked now, read again by eventsSyncStallMillis()

    // Modules see the values the node actually uses, defaults included. A node waiting for
    // discovery keeps the founders' list, from which it derives the cluster's identity as they do.
    Set<String> listed = membership.awaitsDiscovery() ? founders(s) : voters;
    Settings effective = s.with(NODE_ID, nodeId).with(CLUSTER_ID, clusterId)
        .with(PEER_LISTEN, peerListen.toString()).with(HTTP_LISTEN, httpListen.toString())
        .with(TRANSPORT, transport).with(STORAGE, storage).with(KV_STATE, kvState).with(DISCOVERY, discovery)
        .with(VOTERS, String.join(",", new TreeSet<>(listed)));
    return new NodeConfig(nodeId, clusterId, dataDir, voters, peerListen, httpListen, transport, storage,
        kvState, discovery, Map.copyOf(peers), tick, requestTimeout, maxValueBytes, inboxCapacity, maxPending, raft,
        snapshots, forwardWrites, grace, transferOnStop, membership, effective, security, WatchConfig.from(s));
  }

  /**
   * Whether {@code id} is a valid node id: 1 to 64 letters, digits, '.', '_' or '-', starting with a
   * letter or digit (what {@code node.id} accepts, and so what a node that asks to join can be).
   */
  public static boolean isNodeId(String id) {
    return id != null && ID.matcher(id).matches();
  }

  private static String id(Settings s, String key, String value) {
    if (!ID.matcher(value).matches()) {
      throw ConfigException.invalid(key, value, "1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
    return value;
  }

  private static String provider(Settings s, String key, String defaultValue) {
    String value = s.getString(key, defaultValue);
    if (!PROVIDER.matcher(value).matches()) {
      throw ConfigException.invalid(key, value, "a module name such as " + defaultValue);
    }
    return value;
  }

  private static Endpoint endpoint(Settings s, String key, String defaultValue) {
    String value = s.getString(key, defaultValue);
    try {
      return Endpoint.parse(value);
    } catch (IllegalArgumentException e) {
      throw ConfigException.invalid(key, value, "host:port (" + e.getMessage() + ")");
    }
  }

  /**
   * With a discovery system, a node that is not on the founders' {@code voters} list is a new node:
   * it waits, with no configuration, until the leader's autopilot adds it. The same settings file can
   * then serve founders and later nodes alike.
   */
  private static boolean awaitsDiscovery(Settings s, String nodeId, String discovery) {
    if (discovery.equals("static") || s.get(JOIN).filter(j -> !j.isBlank()).isPresent()) return false;
    String raw = s.get(VOTERS).orElse("");
    if (raw.isBlank()) return false; // refused below, with the reason
    for (String part : raw.split(",", -1)) {
      if (part.trim().equals(nodeId)) return false;
    }
    return true;
  }

  private static Set<String> voters(Settings s, String nodeId, String discovery, Map<String, PeerAddress> peers) {
    Set<String> voters = new TreeSet<>();
    String raw = s.get(VOTERS).orElse("");
    if (raw.isBlank()) {
      if (!discovery.equals("static")) {
        throw ConfigException.invalid(VOTERS, raw, "the voting members' node ids, comma separated (required unless discovery is static)");
      }
      voters.addAll(peers.keySet());
      voters.add(nodeId);
      return Set.copyOf(voters);
    }
    for (String part : raw.split(",", -1)) {
      String id = part.trim();
      if (!ID.matcher(id).matches()) throw ConfigException.invalid(VOTERS, raw, "comma-separated node ids; '" + id + "' is not one");
      if (!voters.add(id)) throw ConfigException.invalid(VOTERS, raw, "each node id once; '" + id + "' is listed twice");
    }
    if (!voters.contains(nodeId)) {
      throw ConfigException.invalid(VOTERS, raw, "a list that includes this node's id '" + nodeId + "' (" + NODE_ID + ")");
    }
    if (discovery.equals("static")) {
      for (String id : voters) {
        if (!id.equals(nodeId) && !peers.containsKey(id)) {
          throw ConfigException.invalid(VOTERS, raw, "voters that " + STATIC_PEERS + " gives an address; '" + id + "' has none");
        }
      }
    }
    return Set.copyOf(voters);
  }

  private static Set<String> founders(Settings s) {
    Set<String> ids = new TreeSet<>();
    for (String part : s.get(VOTERS).orElse("").split(",")) {
      if (!part.isBlank()) ids.add(part.trim());
    }
    return ids;
  }

  /**
   * A joining node has no voters of its own: the cluster's configuration reaches it through the log.
   * A {@code voters} list given as well would say it founds a cluster, which contradicts joining one.
   */
  private static Set<String> joiningVoters(Settings s, MembershipConfig membership) {
    String raw = s.get(VOTERS).orElse("");
    if (membership.awaitsDiscovery()) return Set.of(); // the founders' list, which this node is not on
    if (!raw.isBlank()) {
      throw ConfigException.invalid(VOTERS, raw, "nothing when " + JOIN
          + " (--join) is given: a joining node takes the cluster's configuration from the cluster");
    }
    return Set.of();
  }

  /**
   * Where the key-value state lives: {@code memory}, or the name of a module that keeps it on disk
   * (checked against the modules present when the node is assembled). On disk by default whenever the
   * node has a data directory: a node whose log survives restarts should not need its whole state in
   * the heap, nor a restart that reads it all back; in memory when there is no data directory.
   */
  private static String kvState(Settings s, Path dataDir) {
    String value = s.getString(KV_STATE, dataDir == null ? "memory" : Defaults.KV_STATE);
    if (!PROVIDER.matcher(value).matches()) {
      throw ConfigException.invalid(KV_STATE, value, "memory, or the name of a module keeping it on disk, such as mapdb");
    }
    if (!value.equals("memory") && dataDir == null) {
      throw ConfigException.invalid(KV_STATE, value, "memory when there is no data directory (" + STORAGE
          + "=inmem keeps none): the state on disk lives in it");
    }
    return value;
  }

  private static Path dataDir(Settings s, String storage, String nodeId) {
    var raw = s.get(DATA_DIR);
    if (raw.isEmpty() || raw.get().isEmpty()) {
      if (storage.equals("inmem")) return null;
      // Like etcd's <name>.etcd: durable by default, in a directory named for the node.
      return Path.of("data", nodeId).toAbsolutePath().normalize();
    }
    try {
      return Path.of(raw.get()).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      throw ConfigException.invalid(DATA_DIR, raw.get(), "a valid path (" + e.getMessage() + ")");
    }
  }

  private static Duration duration(Settings s, String key, Duration defaultValue, Duration min, Duration max) {
    Duration d = s.getDuration(key, defaultValue);
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      throw ConfigException.invalid(key, s.get(key).orElse(""),
          "a duration from " + min.toMillis() + "ms to " + max.toMillis() + "ms");
    }
    return d;
  }

  /**
   * The engine settings. The tick goes in too: the engine tells its peers the tick and election
   * timeout its lease is sized from, and {@code RaftNode} refuses a config whose tick is not the one
   * it runs. A tick of whole milliseconds (the duration settings' finest unit) is whole microseconds.
   */
  private static RaftConfig raftConfig(Settings s, Duration tick) {
    int election = s.getInt(ELECTION_TIMEOUT_TICKS, RaftConfig.DEFAULT.electionTimeoutTicks(), 2, 100_000);
    int heartbeat = s.getInt(HEARTBEAT_INTERVAL_TICKS, RaftConfig.DEFAULT.heartbeatIntervalTicks(), 1, 100_000);
    if (heartbeat >= election) {
      throw ConfigException.invalid(HEARTBEAT_INTERVAL_TICKS, String.valueOf(heartbeat),
          "fewer ticks than " + ELECTION_TIMEOUT_TICKS + " (" + election + ")");
    }
    RaftConfig d = RaftConfig.DEFAULT;
    int cacheEntries = s.getInt(LOG_CACHE_ENTRIES, RaftConfig.DEFAULT_MAX_CACHED_ENTRIES, 1, 100_000_000);
    long cacheBytes = s.getLong(LOG_CACHE_BYTES, RaftConfig.DEFAULT_MAX_CACHED_BYTES, 64L << 10, 1L << 40);
    return new RaftConfig(election, heartbeat, d.maxInflightAppends(), d.maxAppendBytes(), d.maxApplyBytes(),
        d.maxUncommittedEntries(), d.preVote(), d.checkQuorum(), tick.toNanos() / 1_000)
        .withLogCache(cacheEntries, cacheBytes);
  }

  /** A sync at least this slow is a {@code sync_stall} event ({@code events.sync.stall.ms}). */
  public long eventsSyncStallMillis() {
    return syncStallMillis(settings());
  }

  private static long syncStallMillis(Settings s) {
    return s.getLong(EVENTS_SYNC_STALL, Defaults.EVENTS_SYNC_STALL_MS, 1, 3_600_000);
  }
}
