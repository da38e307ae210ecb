package io.bellwether.node.membership;

import io.bellwether.core.spi.PeerAddress;
import io.bellwether.node.config.Defaults;
import io.bellwether.node.config.NodeConfig;
import io.bellwether.node.config.SettingKeys;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Which cluster a node belongs to: the human-readable {@code name} ({@code cluster.id}, shown in logs
 * and metrics) and the {@code id} every handshake between nodes carries, {@code <name>-<16 hex>}. The
 * id is what tells two clusters apart that share a name: a node of another cluster is refused in the
 * handshake, whatever the transport. Immutable.
 *
 * <p>Founders agree on the id without talking to each other, because each derives it from the same
 * configuration ({@link #derive}); the first start stores it in the data directory ({@link
 * IdentityFile}) and every later start uses the stored one; a node that joins a running cluster takes
 * the cluster's ({@link ClusterIdentities}).
 *
 * @param name the cluster's name, as {@code cluster.id} gives it
 * @param id the identity nodes exchange in the handshake
 */
public record ClusterIdentity(String name, String id) {

  /** What an id may be: printable ASCII without spaces, short enough for any handshake. */
  private static final Pattern ID = Pattern.compile("[\\x21-\\x7e]{1,255}");

  /** Hex characters of the digest kept: 64 bits, so two derivations collide by chance never in practice. */
  static final int HEX_CHARS = 16;

  /**
   * Checks both parts.
   *
   * @throws IllegalArgumentException when the name is not a valid node-style id or the id is empty,
   *     too long, or holds characters other than printable ASCII
   */
  public ClusterIdentity {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(id, "id");
    if (!NodeConfig.isNodeId(name)) throw new IllegalArgumentException("cluster name '" + name + "' is not valid");
    if (!ID.matcher(id).matches()) throw new IllegalArgumentException("cluster id '" + id + "' is not valid");
  }

  /**
   * The identity a founding node derives from its configuration: SHA-256 over the name and the
   * founding voters sorted by id; with the default name and static discovery, each voter also with
   * its peer address from {@code discovery.static.peers} (this node's {@code peer.listen} if the list
   * leaves it out). Every founder started with the same name, voters and peer list derives the same
   * id. The addresses go in only with the default name: a name the operator chose is meant to be
   * unique, like etcd's initial-cluster-token, and then founders need not spell each other's addresses
   * alike (one may reach another through a proxy or another host name); with the default name, the
   * addresses are what tells apart two clusters left on it. A node waiting for discovery to add it
   * (not among the founders) derives from the founders' {@code voters} list it shares with them.
   *
   * @throws IllegalStateException for a node that joins with {@code --join}: it has no founders to
   *     derive from and takes the cluster's identity
   */
  public static ClusterIdentity derive(NodeConfig config) {
    Set<String> founders = new TreeSet<>(config.voters());
    if (founders.isEmpty()) founders.addAll(listedVoters(config));
    if (founders.isEmpty()) {
      throw new IllegalStateException("node " + config.nodeId() + " has no founding voters to derive the cluster's"
          + " identity from");
    }
    StringBuilder text = new StringBuilder("bellwether cluster identity v1\nname=").append(config.clusterId());
    for (String id : founders) {
      text.append("\nvoter=").append(id);
      if (usesAddresses(config)) text.append('@').append(peerAddress(config, id));
    }
    return new ClusterIdentity(config.clusterId(), config.clusterId() + "-" + digest(text.toString()));
  }

  /**
   * The identity of a cluster bootstrapped by a version that kept none: its name, which is what
   * that version's handshake carried, so old and upgraded nodes keep talking during an upgrade.
   */
  public static ClusterIdentity legacy(String name) {
    return new ClusterIdentity(name, name);
  }

  /**
   * Whether {@link #derive} takes the voters' addresses in: with the default name and static
   * discovery. With the default name and another discovery the founders' ids alone make the id, which
   * two clusters with the same ids share; {@link ClusterIdentities} warns about that.
   */
  static boolean usesAddresses(NodeConfig config) {
    return config.clusterId().equals(Defaults.CLUSTER_ID) && config.discovery().equals("static");
  }

  private static String peerAddress(NodeConfig config, String id) {
    PeerAddress listed = config.staticPeers().get(id);
    if (listed != null) return listed.peer().toString();
    return id.equals(config.nodeId()) ? config.peerListen().toString() : "?";
  }

  /** The founders' list of a node that is not among them (it waits for discovery to add it). */
  private static Set<String> listedVoters(NodeConfig config) {
    Set<String> ids = new TreeSet<>();
    for (String part : config.settings().getString(SettingKeys.VOTERS, "").split(",")) {
      if (!part.isBlank()) ids.add(part.trim());
    }
    return ids;
  }

  private static String digest(String text) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash).substring(0, HEX_CHARS);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
