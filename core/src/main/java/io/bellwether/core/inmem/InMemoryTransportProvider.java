package io.bellwether.core.inmem;

import io.bellwether.core.spi.Discovery;
import io.bellwether.core.spi.NodeContext;
import io.bellwether.core.spi.Transport;
import io.bellwether.core.spi.TransportProvider;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Transport provider {@code inmem}: joins the node to a process-wide {@link InMemoryNetwork} named by
 * its cluster id, so nodes assembled one by one in a single JVM (as node-app does) reach each other.
 * Discovery is not consulted: on this network a node's address is its id.
 */
public final class InMemoryTransportProvider implements TransportProvider {

  private static final ConcurrentMap<String, InMemoryNetwork> NETWORKS = new ConcurrentHashMap<>();

  @Override
  public String name() {
    return "inmem";
  }

  @Override
  public Transport create(NodeContext context, Discovery discovery) {
    return network(context.clusterId()).transport(context.nodeId());
  }

  /**
   * The shared network of cluster {@code clusterId}, created on first use (and again after it was
   * closed), so an application or test can look at its counters or close it.
   */
  public static InMemoryNetwork network(String clusterId) {
    return NETWORKS.compute(clusterId, (id, existing) ->
        existing == null || existing.isClosed() ? new InMemoryNetwork("cluster-" + id, LinkConditions.PERFECT) : existing);
  }
}
