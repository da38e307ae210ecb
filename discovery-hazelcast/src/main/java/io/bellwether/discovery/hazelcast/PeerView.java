package io.bellwether.discovery.hazelcast;

import com.hazelcast.cluster.Member;
import io.bellwether.core.spi.PeerAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One computed view: node id to address, built from Hazelcast's member list, which is ordered by join
 * (oldest first) and identical on every member. When two members claim one node id, the one that
 * joined first keeps it, so every member settles on the same address and a newcomer can never take
 * over a running node's address by accident.
 *
 * @param peers the view, immutable, in join order
 * @param duplicates each later member that claimed a node id already held, with the holder
 * @param unnamed members announcing no (or a malformed) Bellwether address
 */
record PeerView(Map<String, PeerAddress> peers, List<Duplicate> duplicates, List<Member> unnamed) {

  /** {@code claimant} joined after {@code holder} and announced the same {@code nodeId}. */
  record Duplicate(String nodeId, Member holder, Member claimant) {}

  static final PeerView EMPTY = new PeerView(Map.of(), List.of(), List.of());

  /** The view of {@code members}, given in Hazelcast's join order. */
  static PeerView of(Collection<Member> members) {
    Map<String, PeerAddress> peers = new LinkedHashMap<>();
    Map<String, Member> holders = new LinkedHashMap<>();
    List<Duplicate> duplicates = new ArrayList<>();
    List<Member> unnamed = new ArrayList<>();
    for (Member member : members) {
      Optional<PeerAddress> address = MemberAttributes.decode(member);
      if (address.isEmpty()) {
        unnamed.add(member);
        continue;
      }
      String nodeId = address.get().nodeId();
      Member holder = holders.putIfAbsent(nodeId, member);
      if (holder == null) {
        peers.put(nodeId, address.get());
      } else {
        duplicates.add(new Duplicate(nodeId, holder, member));
      }
    }
    return new PeerView(Collections.unmodifiableMap(peers), List.copyOf(duplicates), List.copyOf(unnamed));
  }
}
