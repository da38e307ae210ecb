package io.bellwether.node.membership;

import io.bellwether.core.Member;
import io.bellwether.core.Membership;
import io.bellwether.core.spi.Endpoint;
import io.bellwether.core.spi.PeerAddress;
import io.bellwether.node.config.NodeConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The configuration a founding node starts a new cluster with: its {@code voters}, each with the
 * addresses this node knows for it. The addresses matter later: a node that joins the running
 * cluster has no list of its own, and learns where the founding members are from the configuration
 * the leader sends it. Used only while the node's store holds no configuration; after that the log
 * (or snapshot) wins.
 */
public final class Bootstrap {

  private Bootstrap() {}

  /**
   * @param http where this node's HTTP API really listens (the bound port, when configured with 0)
   */
  public static Membership configuration(NodeConfig config, Endpoint http) {
    List<Member> members = new ArrayList<>();
    for (String id : config.voters()) {
      if (id.equals(config.nodeId())) {
        // Port 0 means "any": not an address anyone could reach, so the member goes without one.
        String peer = config.peerListen().port() == 0 ? null : config.peerListen().toString();
        members.add(new Member(id, true, peer, http.toString()));
      } else {
        PeerAddress known = config.staticPeers().get(id); // null with dynamic discovery
        members.add(new Member(id, true, known == null ? null : known.peer().toString(),
            known == null || known.http() == null ? null : known.http().toString()));
      }
    }
    return new Membership(0, members);
  }

  /** This node as a learner to add: at the addresses it listens on. */
  public static Member self(NodeConfig config, Endpoint http) {
    return Member.learner(config.nodeId(), config.peerListen().toString(), http.toString());
  }
}
