package io.bellwether.discovery.hazelcast;

import io.bellwether.core.spi.Endpoint;
import io.bellwether.core.spi.NodeContext;
import io.bellwether.core.spi.PeerAddress;
import io.bellwether.core.spi.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * Test fixture: Hazelcast-backed discoveries on loopback, in one JVM, each in a cluster named for
 * the test so concurrent builds on the machine never meet. Closes everything it built.
 */
final class HazelcastMembers implements AutoCloseable {

  private final String clusterName = "test-" + UUID.randomUUID();
  private final List<HazelcastDiscovery> built = new ArrayList<>();
  private String seeds = "";
  private Settings extra = Settings.empty();

  /** Every later member also sets {@code key=value}. */
  HazelcastMembers with(String key, String value) {
    extra = extra.with(key, value);
    return this;
  }

  String clusterName() {
    return clusterName;
  }

  /** An unstarted discovery for {@code nodeId} on a free port; it and every earlier member seed it. */
  HazelcastDiscovery create(String nodeId) {
    int port = freePort();
    seeds = seeds.isEmpty() ? "127.0.0.1:" + port : seeds + ",127.0.0.1:" + port;
    return create(nodeId, port, seeds, clusterName);
  }

  HazelcastDiscovery create(String nodeId, int port, String seedList, String cluster) {
    NodeContext context = new NodeContext("test", nodeId, null, settings(port, seedList, cluster));
    HazelcastDiscovery discovery =
        (HazelcastDiscovery) new HazelcastDiscoveryProvider().create(context, addressOf(nodeId, port));
    built.add(discovery);
    return discovery;
  }

  Settings settings(int port, String seedList, String cluster) {
    return extra
        .with(HazelcastDiscoverySettings.BIND, "127.0.0.1:" + port)
        .with(HazelcastDiscoverySettings.SEEDS, seedList)
        .with(HazelcastDiscoverySettings.CLUSTER_NAME, cluster);
  }

  /** A started discovery whose listener records every view into {@code views}. */
  HazelcastDiscovery start(String nodeId, List<Map<String, PeerAddress>> views) {
    HazelcastDiscovery discovery = create(nodeId);
    discovery.start(views::add);
    return discovery;
  }

  HazelcastDiscovery start(String nodeId) {
    return start(nodeId, new CopyOnWriteArrayList<>());
  }

  /**
   * The Bellwether addresses a member on Hazelcast port {@code port} announces. Only announced, never
   * bound, so they borrow the port number: a member restarted on another port announces new addresses.
   */
  static PeerAddress addressOf(String nodeId, int hazelcastPort) {
    return new PeerAddress(nodeId, new Endpoint("127.0.0.1", hazelcastPort), new Endpoint("127.0.0.2", hazelcastPort));
  }

  static String ids(Map<String, PeerAddress> view) {
    return view.keySet().stream().sorted().collect(Collectors.joining(","));
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    // Youngest first: the oldest member is the master, and closing it first makes the others reconnect.
    for (int i = built.size() - 1; i >= 0; i--) built.get(i).close();
  }
}
