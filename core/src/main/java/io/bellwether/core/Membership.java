package io.bellwether.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * A cluster configuration (thesis §4): the members, voters and learners, as of the log entry at
 * {@link #index()} that set it (0 for the configuration a cluster was bootstrapped with). Raft
 * changes it through the log, one server at a time; each node uses the newest configuration in its
 * log, committed or not.
 *
 * <p>Immutable; members are kept sorted by id, and each id appears once. The empty configuration
 * is that of a node which joins an existing cluster: it knows no member, not even itself, until the
 * leader's log reaches it, so it never starts an election.
 */
public final class Membership {

  /** The configuration of a node that is waiting to be added to a cluster. */
  public static final Membership EMPTY = new Membership(0, List.of());

  private final long index;
  private final List<Member> members;
  private final List<String> voters;
  private final List<String> learners;

  /**
   * @throws IllegalArgumentException when {@code index} is negative or an id appears twice
   */
  public Membership(long index, Collection<Member> members) {
    if (index < 0) throw new IllegalArgumentException("configuration index must be >= 0: " + index);
    List<Member> sorted = new ArrayList<>(members);
    sorted.sort(Comparator.comparing(Member::id));
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i).id().equals(sorted.get(i - 1).id())) {
        throw new IllegalArgumentException("member " + sorted.get(i).id() + " appears twice");
      }
    }
    this.index = index;
    this.members = List.copyOf(sorted);
    this.voters = this.members.stream().filter(Member::voter).map(Member::id).toList();
    this.learners = this.members.stream().filter(m -> !m.voter()).map(Member::id).toList();
  }

  /** The bootstrap configuration of {@code ids}, all voters, without endpoints. */
  public static Membership ofVoters(Collection<String> ids) {
    return new Membership(0, new TreeSet<>(ids).stream().map(Member::voter).toList());
  }

  /** The log index of the entry that set this configuration; 0 for a bootstrap configuration. */
  public long index() {
    return index;
  }

  /** Every member, sorted by id. */
  public List<Member> members() {
    return members;
  }

  /** The voters' ids, sorted. */
  public List<String> voters() {
    return voters;
  }

  /** The learners' ids, sorted. */
  public List<String> learners() {
    return learners;
  }

  public boolean isVoter(String id) {
    return voters.contains(id);
  }

  public boolean contains(String id) {
    return member(id).isPresent();
  }

  public Optional<Member> member(String id) {
    for (Member m : members) {
      if (m.id().equals(id)) return Optional.of(m);
    }
    return Optional.empty();
  }

  /** This configuration with {@code member} added or replacing the member of the same id. */
  public Membership with(Member member) {
    List<Member> next = new ArrayList<>(members);
    next.removeIf(m -> m.id().equals(member.id()));
    next.add(member);
    return new Membership(index, next);
  }

  /** This configuration without member {@code id}. */
  public Membership without(String id) {
    List<Member> next = new ArrayList<>(members);
    next.removeIf(m -> m.id().equals(id));
    return new Membership(index, next);
  }

  /** The same members, as set by the entry at {@code newIndex}. */
  public Membership atIndex(long newIndex) {
    return new Membership(newIndex, members);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Membership m && m.index == index && m.members.equals(members);
  }

  @Override
  public int hashCode() {
    return Objects.hash(index, members);
  }

  @Override
  public String toString() {
    return "Membership[" + index + " voters=" + voters + " learners=" + learners + "]";
  }
}
