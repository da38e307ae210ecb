package io.bellwether.node.http;

import io.bellwether.core.engine.Role;
import io.bellwether.core.runtime.NodeStatus;
import io.bellwether.core.spi.PeerAddress;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.TreeSet;

/** {@code GET /v1/cluster}, {@code /health/live} and {@code /health/ready}. */
final class ClusterRoutes {

  private ClusterRoutes() {}

  /** The role as the API names it: a pre-candidate is campaigning, so it shows as a candidate. */
  static String roleName(Role role) {
    return switch (role) {
      case LEADER -> "leader";
      case FOLLOWER -> "follower";
      case PRE_CANDIDATE, CANDIDATE -> "candidate";
    };
  }

  static void cluster(RoutingContext ctx, NodeServices node) {
    NodeStatus s = node.status();
    Map<String, PeerAddress> peers = node.discovery().peers();
    boolean leading = s.role() == Role.LEADER;
    JsonArray members = new JsonArray();
    for (String id : new TreeSet<>(s.voters())) {
      PeerAddress address = peers.get(id);
      JsonObject m = new JsonObject().put("id", id)
          .put("peerAddress", address == null ? null : address.peer().toString())
          .put("httpAddress", address == null || address.http() == null ? null : address.http().toString());
      Long match = null;
      if (id.equals(s.nodeId())) {
        m.put("role", roleName(s.role()));
        match = s.lastIndex();
      } else if (id.equals(s.leader())) {
        m.put("role", "leader");
      } else {
        // Only a leader tracks its followers; elsewhere other members' state is not known here.
        m.put("role", s.leader() != null ? "follower" : "unknown");
        if (leading) match = s.matchIndexes().get(id);
      }
      m.put("matchIndex", match);
      m.put("lag", leading && match != null ? Math.max(0, s.lastIndex() - match) : null);
      members.add(m);
    }
    JsonObject body = new JsonObject()
        .put("node", s.nodeId())
        .put("role", roleName(s.role()))
        .put("term", s.term())
        .put("leader", s.leader())
        .put("commitIndex", s.commitIndex())
        .put("appliedIndex", s.appliedIndex())
        .put("firstIndex", s.firstIndex())
        .put("lastIndex", s.lastIndex())
        .put("snapshot", new JsonObject()
            .put("index", s.snapshotIndex())
            .put("bytes", s.snapshotBytes())
            .put("sent", s.snapshotsSent())
            .put("taken", s.snapshotsTaken())
            .put("installed", s.snapshotsInstalled()))
        .put("running", s.running())
        .put("members", members);
    if (s.failure() != null) body.put("failure", s.failure());
    Replies.json(ctx, 200, body);
  }

  static void live(RoutingContext ctx, NodeServices node) {
    NodeStatus s = node.status();
    if (s.running()) {
      Replies.json(ctx, 200, new JsonObject().put("status", "live").put("node", s.nodeId())
          .put("pid", ProcessHandle.current().pid()));
    } else {
      Replies.json(ctx, 503, new JsonObject().put("error", "NOT_LIVE")
          .put("message", "node " + s.nodeId() + " is stopped" + (s.failure() != null ? ": " + s.failure() : "")));
    }
  }

  /** Ready: running, knows a leader, and has applied everything it knows to be committed. */
  static void ready(RoutingContext ctx, NodeServices node) {
    NodeStatus s = node.status();
    String why = null;
    if (!s.running()) why = "node is stopped";
    else if (s.leader() == null) why = "no leader known";
    else if (s.appliedIndex() < s.commitIndex()) {
      why = "applied index " + s.appliedIndex() + " is behind commit index " + s.commitIndex();
    }
    if (why == null) {
      Replies.json(ctx, 200, new JsonObject().put("status", "ready").put("node", s.nodeId())
          .put("leader", s.leader()).put("appliedIndex", s.appliedIndex()));
    } else {
      Replies.json(ctx, 503, new JsonObject().put("error", "NOT_READY").put("message", why).put("node", s.nodeId()));
    }
  }
}
