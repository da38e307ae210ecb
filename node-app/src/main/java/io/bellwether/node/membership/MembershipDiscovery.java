package io.bellwether.node.membership;

import io.bellwether.core.Member;
import io.bellwether.core.Membership;
import io.bellwether.core.runtime.NodeObserver;
import io.bellwether.core.spi.Discovery;
import io.bellwether.core.spi.Endpoint;
import io.bellwether.core.spi.PeerAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's {@link Discovery}: the configured one (static, Hazelcast...), with the addresses the
 * cluster configuration carries laid under it, so the transport and the HTTP forwarder reach every
 * member, also one added while the cluster runs, which no configured list names.
 *
 * <p><b>Which source wins.</b> The configured discovery, field by field: where it knows a node, its
 * peer address is used, and its HTTP address unless it has none. It is the only source that can know
 * where a node is <em>now</em>: Hazelcast follows a node that restarted elsewhere, and a static list
 * is what the operator wrote for this start (the end-to-end suite routes every link through a proxy
 * that way). The configuration's addresses are what each member announced when it was added (or
 * what the founding leader's list said) and change only through the log, by removing the member and
 * adding it again. They fill in what the configured discovery does not know.
 *
 * <p><b>Hints.</b> A joining node has no configuration until the leader's log reaches it, yet the
 * leader's first connection is refused unless this node's discovery knows the leader (the transport
 * checks the sender of every inbound connection), and its answers travel on a connection of its own
 * to the leader. So the joiner lays the members it learned over HTTP ({@code GET /v1/cluster}, the
 * answer to {@code POST /v1/members}) in as {@link #hint hints}, under everything else. They are
 * dropped once a configuration that names this node arrives: from then on the log says who the
 * members are.
 *
 * <p>Thread-safe: {@link #update} runs on the node thread (from {@link
 * io.bellwether.core.runtime.NodeObserver#membershipChanged}), lookups on transport, HTTP and node
 * threads; each view is an immutable map behind a volatile field, and nothing blocks.
 */
public final class MembershipDiscovery implements Discovery {

  private static final Logger LOG = LoggerFactory.getLogger(MembershipDiscovery.class);

  private final Discovery configured;
  private final String selfId;
  private volatile Map<String, PeerAddress> fromConfiguration = Map.of();
  private volatile Map<String, PeerAddress> hints = Map.of();
  private volatile Listener listener = peers -> {};

  /** @param configured the discovery the node was configured with; closed with this one */
  public MembershipDiscovery(Discovery configured, String selfId) {
    this.configured = Objects.requireNonNull(configured, "configured");
    this.selfId = Objects.requireNonNull(selfId, "selfId");
  }

  /** Starts the configured discovery; {@code listener} hears the merged view on every change. */
  @Override
  public void start(Listener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
    configured.start(peers -> listener.onPeersChanged(peers()));
  }

  /**
   * The configuration this node now uses: its members' addresses replace those of the previous one
   * (a removed member is forgotten, unless the configured discovery knows it). Hints are dropped
   * once the configuration names this node. Must not block: called on the node thread.
   */
  public void update(Membership membership) {
    Map<String, PeerAddress> next = addresses(membership);
    boolean changed = !next.equals(fromConfiguration);
    fromConfiguration = next;
    if (membership.contains(selfId) && !hints.isEmpty()) {
      hints = Map.of();
      changed = true;
    }
    if (changed) listener.onPeersChanged(peers());
  }

  /** The observer that keeps this discovery on the node's configuration ({@link #update}). */
  public NodeObserver follower() {
    return new NodeObserver() {
      @Override
      public void membershipChanged(Membership membership) {
        update(membership);
      }
    };
  }

  /**
   * Addresses learned outside the log, for a node that has no configuration yet (see the class
   * comment). Ignored for every node the configured discovery or the configuration knows.
   */
  public void hint(Membership membership) {
    Map<String, PeerAddress> next = new HashMap<>(hints);
    next.putAll(addresses(membership));
    hints = Map.copyOf(next);
    listener.onPeersChanged(peers());
  }

  @Override
  public Optional<PeerAddress> lookup(String nodeId) {
    PeerAddress known = configured.lookup(nodeId).orElse(null);
    PeerAddress logged = fromConfiguration.get(nodeId);
    if (logged == null) logged = hints.get(nodeId);
    return Optional.ofNullable(merge(known, logged));
  }

  @Override
  public Map<String, PeerAddress> peers() {
    Map<String, PeerAddress> all = new HashMap<>(hints);
    all.putAll(fromConfiguration);
    configured.peers().forEach((id, known) -> all.put(id, merge(known, all.get(id))));
    return Map.copyOf(all);
  }

  /** Closes the configured discovery. Idempotent. */
  @Override
  public void close() {
    configured.close();
  }

  /** {@code known} where it says something, {@code logged} for the rest. */
  private static PeerAddress merge(PeerAddress known, PeerAddress logged) {
    if (known == null) return logged;
    if (known.http() != null || logged == null || logged.http() == null) return known;
    return new PeerAddress(known.nodeId(), known.peer(), logged.http());
  }

  /** The members that carry a peer address; one that cannot be parsed is skipped and logged. */
  static Map<String, PeerAddress> addresses(Membership membership) {
    Map<String, PeerAddress> out = new HashMap<>();
    for (Member m : membership.members()) {
      if (m.peer() == null) continue; // founded without addresses: the configured discovery knows it
      try {
        Endpoint http = m.http() == null ? null : Endpoint.parse(m.http());
        out.put(m.id(), new PeerAddress(m.id(), Endpoint.parse(m.peer()), http));
      } catch (IllegalArgumentException e) {
        // Written by another embedder, or by hand: the member is still a member, just not reachable
        // through this overlay.
        LOG.warn("member {} of configuration {} has an address that is not host:port ({}); ignoring it",
            m.id(), membership.index(), e.getMessage());
      }
    }
    return Map.copyOf(out);
  }
}
