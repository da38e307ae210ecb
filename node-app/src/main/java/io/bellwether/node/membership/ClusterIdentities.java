package io.bellwether.node.membership;

import io.bellwether.node.config.ConfigException;
import io.bellwether.node.config.Defaults;
import io.bellwether.node.config.NodeConfig;
import io.bellwether.node.config.SettingKeys;
import io.bellwether.node.membership.ClusterClient.Answer;
import io.bellwether.node.membership.Retries.Step;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the cluster identity a starting node uses, before its discovery and transport exist:
 *
 * <ul>
 *   <li>the one stored in its data directory, if any ({@link IdentityFile}); its name must be the
 *       configured {@code cluster.id}, or the node refuses to start (wrong data directory or wrong
 *       configuration);
 *   <li>for a node that joins with {@code --join} and an empty store: the running cluster's, read
 *       from {@code GET /v1/cluster} (and compared with a stored one);
 *   <li>on a data directory that holds data but no identity (written by a version that kept none):
 *       the cluster's name itself, which is what that version's handshake carried, so that a cluster
 *       upgraded one node at a time keeps its majority connected at every step ({@link
 *       ClusterIdentity#legacy});
 *   <li>otherwise, on a new node, derived from the configuration ({@link ClusterIdentity#derive}).
 * </ul>
 *
 * <p>With storage that keeps data on disk, an identity not read from the file is stored there at
 * once. In-memory storage keeps nothing across a restart, so the identity is found again each time.
 */
public final class ClusterIdentities {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterIdentities.class);

  private ClusterIdentities() {}

  /**
   * Blocking (reads and writes the data directory; a joining node asks the cluster, retrying until
   * {@code membership.join.timeout}). Called once, on the starting thread.
   *
   * @param storeHoldsData whether the node's store holds a log, a vote or a snapshot already
   * @throws ConfigException when the stored or the joined cluster's name is not {@code cluster.id}
   * @throws io.bellwether.core.spi.StorageException naming the identity file when it is corrupt or
   *     cannot be written
   * @throws JoinException when a joining node could not read the cluster's identity in time, or its
   *     data directory belongs to another cluster
   */
  public static ClusterIdentity establish(NodeConfig config, boolean storeHoldsData)
      throws JoinException, InterruptedException {
    Path dataDir = durable(config) ? config.dataDir() : null;
    Optional<ClusterIdentity> stored = dataDir == null ? Optional.empty() : IdentityFile.read(dataDir);
    if (stored.isPresent() && !stored.get().name().equals(config.clusterId())) {
      throw new ConfigException("setting '" + SettingKeys.CLUSTER_ID + "' has value '" + config.clusterId()
          + "', but the data directory " + dataDir + " belongs to cluster '" + stored.get().name() + "' ("
          + IdentityFile.path(dataDir) + " says " + stored.get().id() + "): wrong data directory or wrong "
          + SettingKeys.CLUSTER_ID);
    }
    ClusterIdentity identity;
    if (stored.isEmpty() && storeHoldsData && dataDir != null) {
      // Deriving here would need the founders' configuration as it was at bootstrap, which the peer
      // list may no longer match (a replaced node), and would split old nodes from new ones while a
      // cluster is upgraded: the name is what every node of it already agrees on.
      identity = ClusterIdentity.legacy(config.clusterId());
      LOG.warn("node {}: data directory {} holds data but no cluster identity (written by an older version):"
          + " keeping the cluster's name '{}' as its identity, as that version's handshake did. Clusters are told"
          + " apart by name only until this one is rebuilt; make sure its {} is unique", config.nodeId(), dataDir,
          config.clusterId(), SettingKeys.CLUSTER_ID);
    } else if (config.membership().joining() && !storeHoldsData) {
      // A joining node's configuration has no founders to derive from: it takes the cluster's.
      identity = read(config);
      if (stored.isPresent() && !stored.get().equals(identity)) {
        throw new JoinException("the data directory " + dataDir + " belongs to cluster " + stored.get().id()
            + ", but the cluster at " + config.membership().join() + " is " + identity.id()
            + ": use an empty data directory to join that cluster");
      }
    } else if (stored.isPresent()) {
      return stored.get();
    } else {
      identity = ClusterIdentity.derive(config);
      if (!ClusterIdentity.usesAddresses(config) && config.clusterId().equals(Defaults.CLUSTER_ID)) {
        LOG.warn("node {}: the cluster is named '{}', the default, and its identity {} comes from that name and the"
            + " founders' ids alone, so another cluster left on the default name with the same node ids would"
            + " have the same identity and its nodes would be accepted; give each cluster a unique {}",
            config.nodeId(), config.clusterId(), identity.id(), SettingKeys.CLUSTER_ID);
      }
    }
    if (dataDir != null) {
      IdentityFile.write(dataDir, identity);
      LOG.info("node {}: stored cluster identity {} in {}", config.nodeId(), identity.id(), IdentityFile.path(dataDir));
    }
    return identity;
  }

  /** Storage that keeps the node's data on disk, in its data directory. */
  private static boolean durable(NodeConfig config) {
    return config.dataDir() != null && !config.storage().equals("inmem");
  }

  /** The running cluster's identity, from {@code GET /v1/cluster} on one of the join URLs. */
  private static ClusterIdentity read(NodeConfig config) throws JoinException, InterruptedException {
    ClusterClient client = new ClusterClient(config.requestTimeout().plusSeconds(2), config.security().clusterCredentials());
    long deadline = System.nanoTime() + config.membership().joinTimeout().toNanos();
    return Retries.until("reading the cluster's identity", config.membership().join(), deadline, () -> false,
        node -> readFrom(client, node, config.clusterId()));
  }

  private static Step<ClusterIdentity> readFrom(ClusterClient client, URI node, String name)
      throws java.io.IOException, InterruptedException {
    Answer a = client.get(node, "/v1/cluster");
    if (a.status() != 200 || a.body() == null) return Step.retry(a.describe());
    Object id = a.body().getValue("clusterId");
    Object theirName = a.body().getValue("clusterName");
    if (!(id instanceof String) || !(theirName instanceof String)) {
      return Step.fatal("the node answers without its cluster's identity (no clusterId and clusterName in GET"
          + " /v1/cluster): it runs an older version; upgrade the cluster first");
    }
    if (!theirName.equals(name)) {
      return Step.fatal("the cluster is named '" + theirName + "', but this node's " + SettingKeys.CLUSTER_ID + " is '"
          + name + "': join with the cluster's name, or join the cluster you meant");
    }
    try {
      return Step.done(new ClusterIdentity((String) theirName, (String) id));
    } catch (IllegalArgumentException e) {
      return Step.fatal("the node answers with an invalid cluster identity: " + e.getMessage());
    }
  }
}
