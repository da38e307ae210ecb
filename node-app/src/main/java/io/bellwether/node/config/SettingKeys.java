package io.bellwether.node.config;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The node's own setting names, and how environment variables map onto them. Settings of a module
 * live under its prefix ({@code transport.vertx.eventLoops}) and are validated by that module.
 */
public final class SettingKeys {

  public static final String NODE_ID = "node.id";
  public static final String CLUSTER_ID = "cluster.id";
  public static final String DATA_DIR = "data.dir";
  public static final String VOTERS = "voters";
  public static final String PEER_LISTEN = "peer.listen";
  public static final String HTTP_LISTEN = "http.listen";
  public static final String TRANSPORT = "transport";
  public static final String STORAGE = "storage";
  public static final String KV_STATE = "kv.state";
  public static final String DISCOVERY = "discovery";
  public static final String STATIC_PEERS = "discovery.static.peers";
  public static final String TICK = "tick";
  public static final String REQUEST_TIMEOUT = "request.timeout";
  public static final String MAX_VALUE_BYTES = "max.value.bytes";
  public static final String INBOX_CAPACITY = "inbox.capacity";
  public static final String MAX_PENDING_REQUESTS = "max.pending.requests";
  public static final String ELECTION_TIMEOUT_TICKS = "election.timeout.ticks";
  public static final String HEARTBEAT_INTERVAL_TICKS = "heartbeat.interval.ticks";
  public static final String FORWARD_WRITES = "http.forward.writes";
  public static final String SHUTDOWN_GRACE = "shutdown.grace";
  public static final String SHUTDOWN_TRANSFER_LEADERSHIP = "shutdown.transfer.leadership";
  public static final String SNAPSHOT_ENTRIES = "snapshot.entries";
  public static final String SNAPSHOT_BYTES = "snapshot.bytes";
  public static final String SNAPSHOT_CATCHUP_ENTRIES = "snapshot.catchup.entries";
  public static final String JOIN = "membership.join";
  public static final String JOIN_PROMOTE = "membership.join.promote";
  public static final String JOIN_TIMEOUT = "membership.join.timeout";
  public static final String PROMOTION_MAX_LAG = "membership.promotion.max.lag";
  public static final String AUTOPILOT = "membership.autopilot";
  public static final String AUTO_PROMOTE = "membership.auto.promote";
  public static final String TARGET_VOTERS = "membership.target.voters";
  public static final String AUTO_REMOVE_AFTER = "membership.auto.remove.after";
  public static final String HTTP_TLS_CERT = "http.tls.cert";
  public static final String HTTP_TLS_KEY = "http.tls.key";
  public static final String HTTP_TLS_CA = "http.tls.ca";
  public static final String HTTP_TLS_CLIENT_AUTH = "http.tls.client.auth";
  public static final String AUTH_TOKENS_FILE = "auth.tokens.file";
  public static final String HTTP_METRICS_AUTH = "http.metrics.auth";
  public static final String JOIN_TOKEN_FILE = "membership.join.token.file";
  public static final String WATCH_HISTORY_CHANGES = "watch.history.changes";
  public static final String WATCH_HISTORY_BYTES = "watch.history.bytes";
  public static final String WATCH_HEARTBEAT_INTERVAL = "watch.heartbeat.interval";
  public static final String WATCH_MAX_STREAMS = "watch.max.streams";
  public static final String LOG_CACHE_ENTRIES = "log.cache.entries";
  public static final String LOG_CACHE_BYTES = "log.cache.bytes";
  public static final String EVENTS_SYNC_STALL = "events.sync.stall.ms";

  /** Every setting the node itself reads. */
  public static final List<String> NODE_KEYS = List.of(
      NODE_ID, CLUSTER_ID, DATA_DIR, VOTERS, PEER_LISTEN, HTTP_LISTEN, TRANSPORT, STORAGE, KV_STATE, DISCOVERY,
      STATIC_PEERS, TICK, REQUEST_TIMEOUT, MAX_VALUE_BYTES, INBOX_CAPACITY, MAX_PENDING_REQUESTS,
      ELECTION_TIMEOUT_TICKS, HEARTBEAT_INTERVAL_TICKS, FORWARD_WRITES, SHUTDOWN_GRACE,
      SHUTDOWN_TRANSFER_LEADERSHIP, SNAPSHOT_ENTRIES, SNAPSHOT_BYTES, SNAPSHOT_CATCHUP_ENTRIES, JOIN,
      JOIN_PROMOTE, JOIN_TIMEOUT, PROMOTION_MAX_LAG, AUTOPILOT, AUTO_PROMOTE, TARGET_VOTERS,
      AUTO_REMOVE_AFTER, HTTP_TLS_CERT, HTTP_TLS_KEY, HTTP_TLS_CA, HTTP_TLS_CLIENT_AUTH, AUTH_TOKENS_FILE,
      HTTP_METRICS_AUTH, JOIN_TOKEN_FILE, WATCH_HISTORY_CHANGES, WATCH_HISTORY_BYTES, WATCH_HEARTBEAT_INTERVAL,
      WATCH_MAX_STREAMS, LOG_CACHE_ENTRIES, LOG_CACHE_BYTES, EVENTS_SYNC_STALL);

  /** Module settings pass through to the module named by their prefix, which validates them. */
  public static final List<String> MODULE_PREFIXES = List.of("transport.", "storage.", "discovery.");

  /** Prefix of every environment variable the node reads. */
  public static final String ENV_PREFIX = "BELLWETHER_";

  /**
   * Environment variables with the prefix that are not settings: read by {@code bin/bellwether} or
   * the client commands.
   */
  public static final Set<String> ENV_RESERVED = Set.of(
      "BELLWETHER_CONFIG", "BELLWETHER_URL", "BELLWETHER_JAVA_OPTS", "BELLWETHER_JAR", "BELLWETHER_HOME",
      // the launchers' opt-out of rebuilding a jar older than its sources (bin/bellwether, -bench)
      "BELLWETHER_NO_REBUILD",
      // bin/bellwether-bench's own variables: a shell that runs both tools must not stop nodes
      "BELLWETHER_BENCH_JAR", "BELLWETHER_BENCH_JAVA_OPTS",
      // the client commands' bearer token (--token); a secret, never a node setting
      "BELLWETHER_TOKEN");

  private SettingKeys() {}

  /** Whether {@code key} is a node setting or belongs to a module. */
  public static boolean isKnown(String key) {
    return NODE_KEYS.contains(key) || MODULE_PREFIXES.stream().anyMatch(key::startsWith);
  }

  /**
   * The setting an environment variable names: {@code BELLWETHER_REQUEST_TIMEOUT} is {@code
   * request.timeout}. Module settings written in camelCase cannot be spelled this way; set them in
   * the properties file or with {@code --set}.
   */
  public static String keyOfEnv(String variable) {
    return variable.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
  }

  /** The environment variable for {@code key}: {@code request.timeout} is {@code BELLWETHER_REQUEST_TIMEOUT}. */
  public static String envOf(String key) {
    return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_');
  }
}
