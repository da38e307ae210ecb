package io.bellwether.node.membership;

import io.bellwether.core.Member;
import io.bellwether.core.Membership;
import io.bellwether.core.spi.Endpoint;
import io.bellwether.node.config.MembershipConfig;
import io.bellwether.node.config.NodeConfig;
import io.bellwether.node.config.SettingKeys;
import io.bellwether.node.membership.ClusterClient.Answer;
import io.bellwether.node.membership.Retries.Step;
import io.bellwether.node.security.ClusterCredentials;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a node started with {@code --join} gets into a running cluster, in two steps around the start
 * of its Raft node (which runs in joining mode: no configuration, never campaigns):
 *
 * <ol>
 *   <li>{@link #checkCluster()}, before the Raft node starts: reads {@code GET /v1/cluster} from one
 *       of the join URLs, lays the members' addresses into discovery as hints (so the leader's first
 *       connection is accepted and this node can answer it), and refuses to go on when the cluster
 *       already counts this node as a voter. A voter that comes back with an empty store has forgotten
 *       its votes and could vote twice in one term; it must be removed and join again as a new
 *       learner. This is checked before the transport listens, because the leader would otherwise
 *       make it a voter again simply by sending it the log.
 *   <li>{@link #join()}, once the Raft node runs: {@code POST /v1/members} with this node's id and
 *       addresses, until the cluster answers with a configuration that has it (the change is then
 *       committed). Asking again is harmless: the same node at the same addresses is a no-op, so a
 *       lost answer or a restart in the middle is simply asked again.
 * </ol>
 *
 * <p>Both retry every join URL in turn with a growing pause, until {@code membership.join.timeout}
 * has passed; an answer that cannot get better (another node holds this id, the request is refused
 * as malformed) ends at once. A node whose store already holds a configuration never asks (there is
 * no joiner for it, see {@link #ifNeeded}), so {@code --join} can stay on a node's command line for
 * good.
 */
public final class Joiner {

  private static final Logger LOG = LoggerFactory.getLogger(Joiner.class);

  private final Member self;
  private final MembershipConfig settings;
  private final MembershipDiscovery discovery;
  private final ClusterClient client;

  /**
   * @param self this node as the learner to add, at the addresses it listens on
   * @param requestTimeout the node's {@code request.timeout}: a POST may wait that long for the
   *     change to commit on the leader, plus a forward on the way
   */
  public Joiner(Member self, MembershipConfig settings, MembershipDiscovery discovery, Duration requestTimeout) {
    this(self, settings, discovery, requestTimeout, ClusterCredentials.NONE);
  }

  /**
   * @param credentials HTTPS and the token ({@code membership.join.token.file}, admin role where the
   *     cluster checks tokens) this node presents to the cluster
   */
  public Joiner(Member self, MembershipConfig settings, MembershipDiscovery discovery, Duration requestTimeout,
      ClusterCredentials credentials) {
    this.self = self;
    this.settings = settings;
    this.discovery = discovery;
    this.client = new ClusterClient(requestTimeout.plusSeconds(2), credentials);
  }

  /**
   * The joiner of a node that must join: one told to ({@code membership.join}) whose store holds no
   * configuration. Null otherwise: a node with a configuration never asks, whatever its settings
   * say, because its log says who the members are (and a removed node would be added again).
   *
   * @param stored the configuration the node's store holds ({@link Membership#EMPTY} for none)
   * @param http where this node's HTTP API really listens
   */
  public static Joiner ifNeeded(NodeConfig config, Endpoint http, Membership stored, MembershipDiscovery discovery) {
    if (!config.membership().joining()) return null;
    if (!stored.members().isEmpty()) {
      LOG.info("node {} has configuration {} in its store: not asking to join ({} is ignored)", config.nodeId(),
          stored, SettingKeys.JOIN);
      return null;
    }
    return new Joiner(Bootstrap.self(config, http), config.membership(), discovery, config.requestTimeout(),
        config.security().clusterCredentials());
  }

  /**
   * Step 1: reads the cluster's configuration from a join URL and remembers its members' addresses.
   *
   * @throws JoinException when no join URL answered with a configuration in time, or the cluster
   *     already has this node as a voter, or has another node under this id
   */
  public Membership checkCluster() throws JoinException, InterruptedException {
    Membership cluster = Retries.until("reading the cluster's configuration", settings.join(), deadline(),
        () -> false, this::readCluster);
    discovery.hint(cluster);
    return cluster;
  }

  private Step<Membership> readCluster(URI node) throws java.io.IOException, InterruptedException {
    Answer a = client.get(node, "/v1/cluster");
    if (a.status() != 200 || a.body() == null) return Step.retry(a.describe());
    Membership cluster;
    try {
      cluster = MembershipJson.fromJson(a.body());
    } catch (RuntimeException e) {
      return Step.retry("an answer that is not a cluster configuration (" + e.getMessage() + ")");
    }
    if (cluster.members().isEmpty()) return Step.retry("a node that is itself waiting to join");
    Optional<Member> listed = cluster.member(self.id());
    if (listed.isPresent() && !listed.get().sameNodeAs(self)) {
      return Step.fatal("the cluster has " + self.id() + " as a member at peer " + listed.get().peer() + " http "
          + listed.get().http() + ", not at " + self.peer() + " / " + self.http() + ": remove it first"
          + " (bellwether member remove " + self.id() + "), or give this node another id");
    }
    if (listed.isPresent() && listed.get().voter()) {
      return Step.fatal("the cluster has " + self.id() + " as a voter already, but this node's store holds no"
          + " configuration: its data was lost or wiped, and a voter that forgot its votes could vote twice"
          + " in one term. Remove it first (bellwether member remove " + self.id()
          + "), then start it again with --join");
    }
    return Step.done(cluster);
  }

  /**
   * Step 2: asks the cluster to add this node as a learner, until it answers with a configuration
   * that has it.
   *
   * @return the configuration that has this node (committed on the leader)
   * @throws JoinException when that did not happen in time, or cannot happen (see {@link #checkCluster})
   */
  public Membership join() throws JoinException, InterruptedException {
    JsonObject body = new JsonObject().put("id", self.id()).put("peerAddress", self.peer())
        .put("httpAddress", self.http());
    Membership added = Retries.until("adding " + self.id() + " to the cluster", settings.join(), deadline(),
        () -> false, node -> addSelf(node, body));
    discovery.hint(added); // the leader's latest word on the addresses, until the log reaches us
    LOG.info("node {} was added to the cluster as a learner: configuration {} voters={} learners={}", self.id(),
        added.index(), added.voters(), added.learners());
    return added;
  }

  private Step<Membership> addSelf(URI node, JsonObject body) throws java.io.IOException, InterruptedException {
    Answer a = client.post(node, "/v1/members", body);
    if (a.status() == 200 && a.body() != null) {
      try {
        Membership m = MembershipJson.fromJson(a.body());
        if (m.contains(self.id())) return Step.done(m);
        return Step.retry("a configuration without " + self.id());
      } catch (RuntimeException e) {
        return Step.retry("an answer that is not a configuration (" + e.getMessage() + ")");
      }
    }
    // Only a refusal of this very request can never turn into a yes: the id is taken, or the request
    // is malformed. Everything else (no leader, a change in flight, a timeout) may pass.
    if (a.status() == 400 || a.status() == 413 || "CONFLICT".equals(a.error())) return Step.fatal(a.describe());
    return Step.retry(a.describe());
  }

  private Long deadline() {
    return System.nanoTime() + settings.joinTimeout().toNanos();
  }
}
