package io.bellwether.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the leader for writes. A follower forwards a write to the leader itself, which costs a hop;
 * this class learns which configured endpoint is which node, and when an answer names the leader
 * (a forwarded write's {@code X-Bellwether-Node}, or a refusal's {@code leader}) moves the client to
 * that endpoint, so later writes go there directly. It only ever picks among the configured
 * endpoints: a leader the client has no endpoint for is left to forwarding.
 *
 * <p>Which endpoint is which node it learns from {@code GET /v1/cluster} (the node's own id, and the
 * members' HTTP addresses matched against the endpoints' host:port), at most once per {@link
 * #REFRESH_NANOS}, and from reads, which a node always serves itself. Thread-safe; never throws: a
 * hint it cannot use changes nothing.
 */
final class LeaderHints {

  private static final Logger LOG = LoggerFactory.getLogger(LeaderHints.class);
  static final long REFRESH_NANOS = 10_000_000_000L;

  private final Endpoints endpoints;
  private final Map<String, URI> byNode = new ConcurrentHashMap<>();
  private final AtomicLong lastRefresh = new AtomicLong(System.nanoTime() - REFRESH_NANOS);

  LeaderHints(Endpoints endpoints) {
    this.endpoints = endpoints;
  }

  /** A node answered {@code endpoint} itself (a read): that endpoint is that node. */
  void served(String nodeId, URI endpoint) {
    if (nodeId != null) byNode.put(nodeId, endpoint);
  }

  /**
   * The leader is {@code nodeId}, as an answer from {@code endpoint} said. Moves the client to the
   * leader's endpoint when it knows it, asking {@code endpoint} who is who when it does not (at most
   * once per refresh period).
   */
  void leaderIs(String nodeId, URI endpoint, Exchange http, Duration timeout, String authorization) {
    // With one endpoint there is nowhere to move: asking who is who would cost a call (and JSON) for nothing.
    if (nodeId == null || endpoints.all().size() < 2) return;
    URI leader = byNode.get(nodeId);
    if (leader == null) {
      long last = lastRefresh.get();
      if (System.nanoTime() - last < REFRESH_NANOS || !lastRefresh.compareAndSet(last, System.nanoTime())) return;
      learn(endpoint, http, timeout, authorization);
      leader = byNode.get(nodeId);
      if (leader == null) return;
    }
    if (!leader.equals(endpoints.current())) {
      LOG.debug("leader {} is at {}: writes go there", nodeId, leader);
      endpoints.moveTo(leader);
    }
  }

  /** The node behind {@code endpoint} as it says, and the members whose HTTP address is an endpoint. */
  private void learn(URI endpoint, Exchange http, Duration timeout, String authorization) {
    try {
      Map<String, String> headers = authorization == null ? Map.of() : Map.of("Authorization", authorization);
      HttpResponse<byte[]> r = http.send("GET", URI.create(endpoint + "/v1/cluster"), headers, null, timeout);
      if (r.statusCode() != 200) return;
      JsonNode cluster = Json.object(r.body());
      if (cluster == null) return;
      if (cluster.path("node").isTextual()) byNode.put(cluster.get("node").asText(), endpoint);
      for (JsonNode m : cluster.path("members")) {
        String id = m.path("id").asText(null);
        String address = m.path("httpAddress").asText(null);
        if (id == null || address == null) continue;
        for (URI u : endpoints.all()) {
          if (address.equalsIgnoreCase(u.getHost() + ":" + u.getPort())) byNode.putIfAbsent(id, u);
        }
      }
    } catch (Exception e) {
      if (e instanceof InterruptedException) Thread.currentThread().interrupt();
      LOG.debug("could not learn the cluster's members from {}: {}", endpoint, e.toString());
    }
  }
}
