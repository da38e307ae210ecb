package io.bellwether.discovery.hazelcast;

import io.bellwether.core.spi.Endpoint;
import io.bellwether.core.spi.NodeContext;
import io.bellwether.core.spi.Settings;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The validated {@code discovery.hazelcast.*} settings. Every error names the setting it is about,
 * so a bad configuration fails at start-up with a message an operator can act on.
 *
 * @param bind where this node's Hazelcast member listens; its host is a local interface address
 * @param bindAddress {@code bind}'s host resolved to the one interface address the member binds to
 * @param seeds the only addresses the member contacts to join (TCP-IP join)
 * @param clusterName Hazelcast cluster name; members with another name are refused
 * @param maxNoHeartbeat how long a silent member stays in the view before it is removed
 */
public record HazelcastDiscoverySettings(
    Endpoint bind, InetAddress bindAddress, List<Endpoint> seeds, String clusterName, Duration maxNoHeartbeat) {

  public static final String BIND = "discovery.hazelcast.bind";
  public static final String SEEDS = "discovery.hazelcast.seeds";
  public static final String CLUSTER_NAME = "discovery.hazelcast.clusterName";
  public static final String MAX_NO_HEARTBEAT = "discovery.hazelcast.maxNoHeartbeat";

  public static final String DEFAULT_BIND = "127.0.0.1:5701";
  public static final Duration DEFAULT_MAX_NO_HEARTBEAT = Duration.ofSeconds(60);

  public HazelcastDiscoverySettings {
    seeds = List.copyOf(seeds);
  }

  /** The Hazelcast cluster name used when {@value #CLUSTER_NAME} is absent. */
  public static String defaultClusterName(String clusterId) {
    return "bellwether-" + clusterId;
  }

  /**
   * Reads and validates the settings of {@code context}.
   *
   * @throws IllegalArgumentException naming the setting when one is missing or invalid
   */
  public static HazelcastDiscoverySettings from(NodeContext context) {
    Settings settings = context.settings();
    Endpoint bind = parseEndpoint(BIND, settings.getString(BIND, DEFAULT_BIND));
    InetAddress bindAddress = localInterfaceAddress(bind);
    List<Endpoint> seeds = parseSeeds(settings.get(SEEDS));
    String clusterName = settings.getString(CLUSTER_NAME, defaultClusterName(context.clusterId()));
    if (clusterName.isEmpty()) throw invalid(CLUSTER_NAME, clusterName, "a non-empty name");
    Duration maxNoHeartbeat = settings.getDuration(MAX_NO_HEARTBEAT, DEFAULT_MAX_NO_HEARTBEAT);
    if (maxNoHeartbeat.toSeconds() < 1) {
      throw invalid(MAX_NO_HEARTBEAT, settings.getString(MAX_NO_HEARTBEAT, ""), "at least 1s");
    }
    return new HazelcastDiscoverySettings(bind, bindAddress, seeds, clusterName, maxNoHeartbeat);
  }

  /** How often members heartbeat: often enough that a silent member is noticed within {@link #maxNoHeartbeat}. */
  public Duration heartbeatInterval() {
    return Duration.ofSeconds(Math.max(1, Math.min(5, maxNoHeartbeat.toSeconds() / 4)));
  }

  /**
   * How long a joining member waits for an older member with its node id to drop out (it may be this
   * node's own previous run, crashed or paused, that Hazelcast has not yet removed).
   */
  public Duration nodeIdReleaseWait() {
    return maxNoHeartbeat.plus(heartbeatInterval().multipliedBy(2));
  }

  private static List<Endpoint> parseSeeds(Optional<String> raw) {
    if (raw.isEmpty() || raw.get().isBlank()) {
      throw new IllegalArgumentException("setting '" + SEEDS + "' is missing; list at least one host:port"
          + " to join through (the first node may list its own " + BIND + ")");
    }
    List<Endpoint> seeds = new ArrayList<>();
    for (String part : raw.get().split(",", -1)) {
      Endpoint seed = parseEndpoint(SEEDS, part.trim());
      if (!seeds.contains(seed)) seeds.add(seed);
    }
    return seeds;
  }

  private static Endpoint parseEndpoint(String key, String text) {
    Endpoint endpoint;
    try {
      endpoint = Endpoint.parse(text);
    } catch (IllegalArgumentException e) {
      throw invalid(key, text, "host:port (" + e.getMessage() + ")");
    }
    if (endpoint.port() == 0) throw invalid(key, text, "a port between 1 and 65535");
    return endpoint;
  }

  /** Hazelcast binds to interface addresses, not names, so the host must resolve to a local one. */
  private static InetAddress localInterfaceAddress(Endpoint bind) {
    InetAddress address;
    try {
      address = InetAddress.getByName(bind.host());
    } catch (UnknownHostException e) {
      throw invalid(BIND, bind.toString(), "a host that resolves");
    }
    if (address.isAnyLocalAddress()) {
      throw invalid(BIND, bind.toString(), "one interface address; the wildcard would listen on every interface");
    }
    try {
      if (NetworkInterface.getByInetAddress(address) == null) {
        throw invalid(BIND, bind.toString(), "an address of a local network interface");
      }
    } catch (SocketException e) {
      throw invalid(BIND, bind.toString(), "an address of a local network interface (" + e.getMessage() + ")");
    }
    return address;
  }

  private static IllegalArgumentException invalid(String key, String value, String expected) {
    return new IllegalArgumentException("setting '" + key + "' has value '" + value + "'; expected " + expected);
  }
}
