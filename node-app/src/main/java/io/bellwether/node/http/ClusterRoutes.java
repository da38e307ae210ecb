package io.bellwether.node.http;

import io.bellwether.core.Member;
import io.bellwether.core.Membership;
import io.bellwether.core.engine.Role;
import io.bellwether.core.runtime.NodeStatus;
import io.bellwether.core.spi.PeerAddress;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /v1/cluster}, {@code GET /v1/state/hash}, {@code /health/live} and {@code /health/ready}. */
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

  /**
   * The cluster as this node sees it. The members are those of the configuration it uses (the newest
   * in its log, committed or not: {@code changePending} says which), each with the addresses this
   * node reaches it at; a node still waiting to join has none. A learner shows as {@code learner}.
   * {@code clusterName} is {@code cluster.id}; {@code clusterId} is the identity the handshake
   * between nodes carries, which a joining node reads here.
   */
  static void cluster(RoutingContext ctx, NodeServices node) {
    Replies.json(ctx, 200, clusterJson(node));
  }

  /** The body of {@code GET /v1/cluster}; the event stream's status frames carry it too. */
  static JsonObject clusterJson(NodeServices node) {
    NodeStatus s = node.status();
    Membership configuration = s.membership();
    boolean leading = s.role() == Role.LEADER;
    JsonArray members = new JsonArray();
    for (Member member : configuration.members()) {
      String id = member.id();
      PeerAddress address = node.discovery().lookup(id).orElse(null);
      JsonObject m = new JsonObject().put("id", id).put("voter", member.voter())
          .put("peerAddress", address != null ? address.peer().toString() : member.peer())
          .put("httpAddress", address != null && address.http() != null ? address.http().toString() : member.http());
      Long match = null;
      if (id.equals(s.nodeId())) {
        m.put("role", member.voter() ? roleName(s.role()) : "learner");
        match = s.lastIndex();
      } else if (!member.voter()) {
        m.put("role", "learner");
        if (leading) match = s.matchIndexes().get(id);
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
        .put("clusterName", node.cluster().name())
        .put("clusterId", node.cluster().id())
        .put("node", s.nodeId())
        .put("role", s.learner() ? "learner" : roleName(s.role()))
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
        .put("configIndex", configuration.index())
        .put("changePending", s.membershipChangePending())
        .put("members", members);
    if (s.failure() != null) body.put("failure", s.failure());
    return body;
  }

  /**
   * {@code GET /v1/state/hash}: this node's hash of its whole key-value state with the index it had
   * applied, taken together on the node thread ({@code KvClient.stateHash}), so that replicas can be
   * compared: once every node answers with the same {@code appliedIndex} (no writes running), their
   * hashes must be equal. Costs a full pass over the state, as a snapshot does: for checks, not
   * hot paths, hence the admin role.
   */
  static void stateHash(RoutingContext ctx, NodeServices node) {
    Replies.onContext(ctx, node.kv().stateHash(), ApiError::of, (hash, failure) -> {
      if (failure != null) {
        Replies.error(ctx, failure);
        return;
      }
      ctx.response().putHeader(Headers.NODE, hash.servedBy())
          .putHeader(Headers.APPLIED_INDEX, Long.toString(hash.appliedIndex()));
      Replies.json(ctx, 200, new JsonObject().put("node", hash.servedBy()).put("appliedIndex", hash.appliedIndex())
          .put("hash", hash.hex()));
    });
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
