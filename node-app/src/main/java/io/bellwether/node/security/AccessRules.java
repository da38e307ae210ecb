package io.bellwether.node.security;

import java.util.Map;
import java.util.Optional;

/**
 * The one table of which role each HTTP API route needs, by the route's name (the {@code route} tag
 * of the request metrics). A route the table does not name is refused when it is registered, so no
 * route can be served without a rule. Immutable and thread-safe.
 *
 * <p>Reads (a key, a scan, the cluster's state) need {@code read}; writes of keys need {@code
 * write}; what changes the cluster's shape (members, leadership) needs {@code admin}, and so does
 * the state hash, which costs a full pass over the state. The health checks are open: load
 * balancers and supervisors call them without credentials, and they tell nothing beyond "up" and
 * "ready"; so is the dashboard's page ({@code /ui}). {@code /metrics} needs what {@code http.metrics.auth} says.
 */
public final class AccessRules {

  private static final Map<String, ApiRole> FIXED = Map.ofEntries(
      Map.entry("kv_get", ApiRole.READ),
      Map.entry("kv_scan", ApiRole.READ),
      // Members' addresses and the log's progress: not for strangers, but nothing a reader cannot
      // work out, and a joining node reads it before it may add itself.
      Map.entry("cluster", ApiRole.READ),
      Map.entry("watch", ApiRole.READ),
      // The node's events and status as the dashboard streams them: what "cluster" shows, over time.
      Map.entry("events", ApiRole.READ),
      Map.entry("lease_list", ApiRole.READ),
      // Only the leader knows a lease's time left, but it tells nothing a reader may not know.
      Map.entry("lease_get", ApiRole.READ),
      // Granting, keeping alive and revoking leases decide when keys are deleted: writes.
      Map.entry("lease_grant", ApiRole.WRITE),
      Map.entry("lease_keepalive", ApiRole.WRITE),
      Map.entry("lease_revoke", ApiRole.WRITE),
      Map.entry("kv_put", ApiRole.WRITE),
      Map.entry("kv_delete", ApiRole.WRITE),
      // A full pass over the state on the node thread: an operator's check, not for every reader.
      Map.entry("state_hash", ApiRole.ADMIN),
      Map.entry("leader_transfer", ApiRole.ADMIN),
      Map.entry("member_add", ApiRole.ADMIN),
      Map.entry("member_promote", ApiRole.ADMIN),
      Map.entry("member_remove", ApiRole.ADMIN));

  /**
   * Open routes. {@code ui} is the dashboard's static files: a page and its scripts with no data in
   * them (the page reads the cluster through the API, with the caller's token).
   */
  private static final java.util.Set<String> OPEN = java.util.Set.of("health_live", "health_ready", "ui");

  /** The metrics route's name. */
  public static final String METRICS = "metrics";

  private final ApiRole metrics;

  /** @param metrics the role {@code /metrics} needs, or null when it is open */
  public AccessRules(ApiRole metrics) {
    this.metrics = metrics;
  }

  /**
   * The role {@code route} needs; empty when it is open to anyone.
   *
   * @throws IllegalArgumentException for a route the table does not name (a bug: every route must
   *     have a rule)
   */
  public Optional<ApiRole> required(String route) {
    if (OPEN.contains(route)) return Optional.empty();
    if (METRICS.equals(route)) return Optional.ofNullable(metrics);
    ApiRole role = FIXED.get(route);
    if (role == null) throw new IllegalArgumentException("no access rule for HTTP route '" + route + "'");
    return Optional.of(role);
  }
}
