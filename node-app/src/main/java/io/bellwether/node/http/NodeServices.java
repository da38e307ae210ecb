package io.bellwether.node.http;

import io.bellwether.core.kv.KvLeases;
import io.bellwether.core.watch.ChangeHistory;
import io.bellwether.node.config.WatchConfig;
import io.bellwether.core.kv.KvClient;
import io.bellwether.core.runtime.NodeStatus;
import io.bellwether.core.runtime.RaftNode;
import io.bellwether.core.spi.Discovery;
import io.bellwether.node.membership.ClusterIdentity;
import io.bellwether.node.events.EventLog;
import io.bellwether.node.metrics.LeaderTransferMetrics;
import java.time.Duration;

/**
 * What the HTTP API serves from: the running node, its KV facade and discovery (for the leader's
 * HTTP address when forwarding), and the counter of the leadership transfers it carries out.
 *
 * @param forwardWrites whether a follower forwards writes and leadership transfers to the leader (else
 *     it answers 503)
 * @param requestTimeout how long a forwarded request may take
 * @param cluster the cluster's name and identity ({@code GET /v1/cluster} shows them, and a joining
 *     node takes the identity from there)
 * @param watches the history of recent changes that watch streams are served from
 * @param leases grants, keepalives and revocations of leases
 * @param watch the watch streams' heartbeat and bound
 * @param events the node's event log, which {@code GET /v1/events} streams
 */
public record NodeServices(
    RaftNode node, KvClient kv, Discovery discovery, boolean forwardWrites, Duration requestTimeout,
    LeaderTransferMetrics transfers, ClusterIdentity cluster, ChangeHistory watches, KvLeases leases,
    WatchConfig watch, EventLog events) {

  public String nodeId() {
    return node.nodeId();
  }

  public NodeStatus status() {
    return node.status();
  }
}
