package io.bellwether.core.spi;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What a provider knows about the node it builds a module for.
 *
 * @param clusterId the cluster's identity: the same on every node of one cluster and different for
 *     each cluster (not merely a name an operator may leave at its default); a transport refuses
 *     nodes whose identity differs
 * @param nodeId this node's id, unique in the cluster
 * @param dataDir this node's data directory ({@code null} for a purely in-memory node)
 * @param settings every setting; each module reads its own keys ({@code transport.*}, ...)
 */
public record NodeContext(String clusterId, String nodeId, Path dataDir, Settings settings) {

  public NodeContext {
    Objects.requireNonNull(clusterId, "clusterId");
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(settings, "settings");
  }
}
