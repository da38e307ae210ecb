package io.bellwether.node.metrics;

import io.bellwether.core.engine.Role;
import io.bellwether.core.runtime.NodeStatus;
import io.bellwether.core.runtime.RaftNode;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * Raft metrics of one node, read from its published {@link NodeStatus}: role, term, commit, applied
 * and last index, the configuration (its index, voters and learners), and on the leader each
 * follower's match index and lag. Events the node reports itself as they happen (syncs,
 * elections and their causes, leaderless gaps, leader changes) are in {@link RaftEventMetrics}.
 *
 * <p>The per-follower gauges follow the configuration: {@link #sample()} registers them for a member
 * added while the node runs and removes those of a member that left, so a scrape never lists a node
 * that is not a member (of the configuration this node uses).
 */
public final class NodeMetrics {

  /**
   * The registry a node's metrics go to, every series tagged with the node and the cluster, with
   * the JVM's memory and thread metrics bound.
   */
  public static PrometheusMeterRegistry registry(String nodeId, String clusterName) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
    registry.config().commonTags("node", nodeId, "cluster", clusterName);
    new io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics().bindTo(registry);
    new io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics().bindTo(registry);
    return registry;
  }


  private final RaftNode node;
  private final MeterRegistry registry;
  private final Map<String, List<Meter>> followerGauges = new HashMap<>();

  public NodeMetrics(RaftNode node, MeterRegistry registry) {
    this.node = node;
    this.registry = registry;
    gauge(registry, "bellwether.raft.term", "current term", s -> s.term());
    gauge(registry, "bellwether.raft.commit.index", "commit index (high-water mark)", s -> s.commitIndex());
    gauge(registry, "bellwether.raft.applied.index", "last applied index", s -> s.appliedIndex());
    gauge(registry, "bellwether.raft.last.index", "last log index", s -> s.lastIndex());
    gauge(registry, "bellwether.raft.first.index", "first log index", s -> s.firstIndex());
    gauge(registry, "bellwether.raft.log.cached.bytes", "bytes of log entries the engine holds in memory",
        s -> s.cachedLogBytes());
    gauge(registry, "bellwether.raft.snapshot.index", "index of the newest snapshot held", s -> s.snapshotIndex());
    gauge(registry, "bellwether.raft.snapshot.bytes", "size of the newest snapshot: the bytes a follower that needs it receives", s -> s.snapshotBytes());
    gauge(registry, "bellwether.raft.snapshots.taken", "snapshots taken since start", s -> s.snapshotsTaken());
    gauge(registry, "bellwether.raft.snapshots.sent", "snapshot transfers started to lagging followers since start",
        s -> s.snapshotsSent());
    gauge(registry, "bellwether.raft.snapshots.installed", "snapshots installed from a leader since start",
        s -> s.snapshotsInstalled());
    gauge(registry, "bellwether.raft.running", "1 while the node runs", s -> s.running() ? 1 : 0);
    gauge(registry, "bellwether.raft.config.index", "log index of the configuration this node uses (0: bootstrap)",
        s -> s.membership().index());
    gauge(registry, "bellwether.raft.voters", "voters in the configuration this node uses",
        s -> s.membership().voters().size());
    gauge(registry, "bellwether.raft.learners", "learners in the configuration this node uses",
        s -> s.membership().learners().size());
    // A learner's engine role is follower; it shows as learner instead, so exactly one role reads 1.
    for (Role role : Role.values()) {
      Gauge.builder("bellwether.raft.role", node, n -> !n.status().learner() && n.status().role() == role ? 1 : 0)
          .description("1 for the node's current role")
          .tag("role", role.name().toLowerCase(Locale.ROOT))
          .register(registry);
    }
    Gauge.builder("bellwether.raft.role", node, n -> n.status().learner() ? 1 : 0)
        .description("1 for the node's current role").tag("role", "learner").register(registry);
    followTheConfiguration(node.status());
    Gauge.builder("bellwether.raft.inbound.dropped", node, RaftNode::droppedInbound)
        .description("inbound messages dropped because the inbox was full").register(registry);
  }

  private void gauge(MeterRegistry registry, String name, String description, ToDoubleFunction<NodeStatus> f) {
    Gauge.builder(name, node, n -> f.applyAsDouble(n.status())).description(description).register(registry);
  }

  private static double matchIndex(NodeStatus s, String peer) {
    Long match = s.role() == Role.LEADER ? s.matchIndexes().get(peer) : null;
    return match == null ? Double.NaN : match;
  }

  private static double leaseBacked(NodeStatus s, String peer) {
    if (s.role() != Role.LEADER) return Double.NaN;
    return s.followersShortOfLease().contains(peer) ? 0 : 1;
  }

  private static double lag(NodeStatus s, String peer) {
    Long match = s.role() == Role.LEADER ? s.matchIndexes().get(peer) : null;
    return match == null ? Double.NaN : Math.max(0, s.lastIndex() - match);
  }

  /** Registers the gauges of members that joined, and removes those of members that left. */
  private void followTheConfiguration(NodeStatus s) {
    Set<String> others = new HashSet<>();
    for (var m : s.membership().members()) {
      if (!m.id().equals(s.nodeId())) others.add(m.id());
    }
    followerGauges.keySet().removeIf(peer -> {
      if (others.contains(peer)) return false;
      followerGauges.get(peer).forEach(registry::remove);
      return true;
    });
    for (String peer : others) {
      if (followerGauges.containsKey(peer)) continue;
      followerGauges.put(peer, List.of(
          Gauge.builder("bellwether.raft.follower.match.index", node, n -> matchIndex(n.status(), peer))
              .description("on the leader: the follower's match index (NaN elsewhere)")
              .tag("follower", peer).register(registry),
          Gauge.builder("bellwether.raft.follower.lag", node, n -> lag(n.status(), peer))
              .description("on the leader: entries the follower is behind the leader's last index (NaN elsewhere)")
              .tag("follower", peer).register(registry),
          Gauge.builder("bellwether.raft.follower.lease.backed", node, n -> leaseBacked(n.status(), peer))
              .description("on the leader: 0 while the follower says its election timeout is too short to back"
                  + " the lease (lease reads fall back to ReadIndex), else 1 (NaN elsewhere)")
              .tag("follower", peer).register(registry)));
    }
  }

  /**
   * Follows the configuration: registers the gauges of members that joined, removes those of
   * members that left; call periodically from one thread.
   */
  public synchronized void sample() {
    NodeStatus s = node.status();
    followTheConfiguration(s);
  }
}
