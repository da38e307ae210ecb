package io.bellwether.node.config;

/**
 * Default values, in one place. The module defaults name the providers a plain {@code bellwether
 * node} assembles; each is overridable by configuration.
 */
public final class Defaults {

  public static final String TRANSPORT = "vertx";
  public static final String STORAGE = "mapdb";
  /** The key-value state on disk, in MapDB layers (in memory without a data directory). */
  public static final String KV_STATE = "mapdb";
  /** A sync this slow is worth an event: a healthy disk syncs in a millisecond or two. */
  public static final long EVENTS_SYNC_STALL_MS = 100;
  public static final String DISCOVERY = "static";

  public static final String NODE_ID = "n1";
  public static final String CLUSTER_ID = "bellwether";
  public static final String PEER_LISTEN = "127.0.0.1:7000";
  public static final String HTTP_LISTEN = "127.0.0.1:8080";
  public static final long TICK_MS = 50;
  public static final long REQUEST_TIMEOUT_MS = 5_000;
  public static final int INBOX_CAPACITY = 10_000;
  public static final int MAX_PENDING_REQUESTS = 10_000;
  public static final long SHUTDOWN_GRACE_MS = 5_000;
  public static final boolean SHUTDOWN_TRANSFER_LEADERSHIP = true;
  public static final long JOIN_TIMEOUT_MS = 60_000;
  public static final boolean JOIN_PROMOTE = false;
  public static final long PROMOTION_MAX_LAG = 1_000;
  /**
   * With a discovery system, promote learners while the voters are fewer than the target: bounded
   * by {@link #TARGET_VOTERS}, judged by the leader's caught-up check, and what lets a cluster that
   * lost a voter (removed by an operator) fill the place from a spare learner without anyone.
   */
  public static final boolean AUTO_PROMOTE = true;
  public static final int TARGET_VOTERS = 3;

  private Defaults() {}
}
