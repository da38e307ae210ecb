package io.bellwether.discovery.hazelcast;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.ListenerConfig;
import com.hazelcast.config.NetworkConfig;
import io.bellwether.core.spi.Endpoint;
import io.bellwether.core.spi.PeerAddress;
import java.util.EventListener;

/**
 * Builds the embedded member's configuration: quiet (no phone-home, logs through SLF4J), light (one
 * partition, no data structures, no Jet) and contained (binds to one interface and port, joins only
 * through the configured seeds; multicast and cloud auto-detection are off).
 */
final class MemberConfigFactory {

  /** Seconds a joining member waits for more join requests before it forms a cluster alone. */
  private static final int WAIT_SECONDS_BEFORE_JOIN = 1;
  /** Seconds a TCP-IP join attempt waits on one seed before giving up on it. */
  private static final int SEED_CONNECTION_TIMEOUT_SECONDS = 2;
  /** Seconds before two clusters formed by one split (or a simultaneous start) look for each other. */
  private static final int MERGE_DELAY_SECONDS = 10;

  private MemberConfigFactory() {}

  /** The member's configuration; {@code listeners} (membership, lifecycle) hear from its very start. */
  static Config create(HazelcastDiscoverySettings settings, PeerAddress self, EventListener... listeners) {
    Config config = new Config();
    config.setClusterName(settings.clusterName());
    // The instance name is only unique in one JVM; the bind endpoint makes it so even for duplicate ids.
    config.setInstanceName("bellwether-" + self.nodeId() + "@" + settings.bind());
    quiet(config);
    light(config, settings);
    contained(config, settings);
    MemberAttributes.encode(self).forEach(config.getMemberAttributeConfig()::setAttribute);
    for (EventListener listener : listeners) config.addListenerConfig(new ListenerConfig(listener));
    return config;
  }

  private static void quiet(Config config) {
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.health.monitoring.level", "OFF");
    // The node closes discovery itself; a JVM shutdown hook would race with it.
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
  }

  private static void light(Config config, HazelcastDiscoverySettings settings) {
    config.setProperty("hazelcast.partition.count", "1");
    config.getJetConfig().setEnabled(false);
    config.setProperty("hazelcast.wait.seconds.before.join", Integer.toString(WAIT_SECONDS_BEFORE_JOIN));
    config.setProperty("hazelcast.merge.first.run.delay.seconds", Integer.toString(MERGE_DELAY_SECONDS));
    config.setProperty("hazelcast.merge.next.run.delay.seconds", Integer.toString(MERGE_DELAY_SECONDS));
    config.setProperty("hazelcast.max.no.heartbeat.seconds", Long.toString(settings.maxNoHeartbeat().toSeconds()));
    config.setProperty("hazelcast.heartbeat.interval.seconds", Long.toString(settings.heartbeatInterval().toSeconds()));
  }

  private static void contained(Config config, HazelcastDiscoverySettings settings) {
    // Without this the member listens on every interface even with one configured (and its outgoing
    // sockets bind to the wildcard too).
    config.setProperty("hazelcast.socket.bind.any", "false");
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(settings.bind().port()).setPortAutoIncrement(false).setPortCount(1);
    network.getInterfaces().setEnabled(true).addInterface(settings.bindAddress().getHostAddress());
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(SEED_CONNECTION_TIMEOUT_SECONDS);
    for (Endpoint seed : settings.seeds()) join.getTcpIpConfig().addMember(seed.toString());
  }
}
