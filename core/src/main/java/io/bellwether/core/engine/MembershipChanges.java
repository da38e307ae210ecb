package io.bellwether.core.engine;

import io.bellwether.core.LogEntry;
import io.bellwether.core.RequestFailedException;
import io.bellwether.core.RequestFailedException.Reason;
import io.bellwether.core.codec.MembershipCodec;
import io.bellwether.core.Member;
import io.bellwether.core.Membership;
import java.util.Optional;
import java.util.Set;

/**
 * A leader's changes to the cluster configuration, one server at a time (thesis §4.1): add a
 * learner, promote a learner to voter, remove a member. Each change is a configuration entry that
 * differs from the current configuration by one voter at most, so any majority of the old voters
 * overlaps any majority of the new; that is what lets it take effect on append, with no joint
 * phase.
 *
 * <p>The rules that keep it safe, each checked here before anything is appended:
 *
 * <ul>
 *   <li>at most one change in flight: the newest configuration must be committed first;
 *   <li>the leader must have committed an entry of its own term first (the 2015 correction to the
 *       thesis: otherwise a change from an earlier leader, not yet committed and unknown to this
 *       one, could combine with this one into two disjoint majorities);
 *   <li>a learner is promoted only when it is caught up, so the new voter does not stall commitment
 *       (§4.2.1);
 *   <li>the last voter is never removed.
 * </ul>
 *
 * <p>Asking for what is already so (the same learner again, promoting a voter) appends nothing and
 * answers with the index of the configuration that did it, so a retried request is harmless.
 */
final class MembershipChanges {

  private final String id;
  private final Roles roles;
  private final RaftLog log;
  private Set<InjectedBug> planted = Set.of();

  MembershipChanges(String id, Roles roles, RaftLog log) {
    this.id = id;
    this.roles = roles;
    this.log = log;
  }

  void plant(Set<InjectedBug> bugs) {
    this.planted = Set.copyOf(bugs);
  }

  /** See {@link RaftEngine#addLearner}. */
  long addLearner(Member member) {
    Leader leader = ClientRequests.leaderOf(roles);
    Membership current = log.membership();
    Optional<Member> existing = current.member(member.id());
    if (existing.isPresent()) {
      if (existing.get().voter()) {
        // Never a no-op: a voter that lost its disk and asks to join again would vote with no
        // memory of its votes. It must be removed first, or come back under a new id.
        throw new RequestFailedException(Reason.CONFLICT,
            member.id() + " is a voter; a voter that lost its data must be removed before it is added again");
      }
      if (existing.get().sameNodeAs(member)) return current.index(); // the same request again
      throw new RequestFailedException(Reason.CONFLICT,
          "member " + member.id() + " exists at peer " + existing.get().peer() + " http "
              + existing.get().http() + "; remove it first to replace it");
    }
    return append(leader, current.with(new Member(member.id(), false, member.peer(), member.http())));
  }

  /** See {@link RaftEngine#promote}. */
  long promote(String learner, long maxLagEntries) {
    Leader leader = ClientRequests.leaderOf(roles);
    Membership current = log.membership();
    Member member = current.member(learner).orElseThrow(() -> notAMember(learner));
    if (member.voter()) return current.index();
    checkCanChange(leader);
    long lag = leader.lag(learner);
    if (lag < 0) {
      throw new RequestFailedException(Reason.NOT_CAUGHT_UP,
          learner + " has not answered the leader within an election timeout");
    }
    if (lag > maxLagEntries) {
      throw new RequestFailedException(Reason.NOT_CAUGHT_UP,
          learner + " is " + lag + " entries behind the leader (at most " + maxLagEntries
              + " allowed); retry once it has caught up");
    }
    return append(leader, current.with(member.asVoter()));
  }

  /** See {@link RaftEngine#removeMember}. */
  long remove(String memberId) {
    Leader leader = ClientRequests.leaderOf(roles);
    Membership current = log.membership();
    Member member = current.member(memberId).orElseThrow(() -> notAMember(memberId));
    if (member.voter() && current.voters().size() == 1) {
      throw new RequestFailedException(Reason.LAST_VOTER,
          memberId + " is the last voter; add and promote another member before removing it");
    }
    return append(leader, current.without(memberId));
  }

  private long append(Leader leader, Membership next) {
    checkCanChange(leader);
    if (!next.voters().equals(log.membership().voters())) checkQuorumAfter(leader, next);
    long index = log.lastIndex() + 1;
    leader.append(LogEntry.config(roles.term(), index, MembershipCodec.encode(next.atIndex(index))));
    return index;
  }

  private void checkCanChange(Leader leader) {
    if (leader.transferee() != null) {
      throw new RequestFailedException(Reason.NO_LEADER,
          "leadership is being handed to " + leader.transferee() + "; retry shortly");
    }
    if (log.term(log.commitIndex()) != roles.term()
        && !planted.contains(InjectedBug.CHANGE_BEFORE_TERM_COMMIT)) {
      throw new RequestFailedException(Reason.CHANGE_IN_PROGRESS,
          "the leader has not committed an entry of its term yet; retry shortly");
    }
    if (log.membershipChangePending() && !planted.contains(InjectedBug.TWO_CHANGES_IN_FLIGHT)) {
      throw new RequestFailedException(Reason.CHANGE_IN_PROGRESS,
          "the configuration at index " + log.membership().index()
              + " is not committed yet; retry once it is");
    }
  }

  /**
   * A change of voters takes effect on append: from then on, nothing commits without a majority of
   * the new voters. If that majority is not there now (a voter down while another is removed), the
   * cluster would stop at once, and could not even commit the change back. So a majority of the new
   * voters must have answered within an election timeout (this leader counts if it votes), as etcd's
   * strict reconfiguration check asks.
   */
  private void checkQuorumAfter(Leader leader, Membership next) {
    int active = 0;
    for (String v : next.voters()) {
      if (v.equals(id) || leader.lag(v) >= 0) active++;
    }
    int needed = Quorum.majority(next.voters().size());
    if (active < needed) {
      throw new RequestFailedException(Reason.QUORUM_AT_RISK,
          "after this change the voters " + next.voters() + " need " + needed
              + " of them to commit, but only " + active
              + " answered the leader within an election timeout; bring the others back first");
    }
  }

  private RequestFailedException notAMember(String memberId) {
    return new RequestFailedException(Reason.NOT_A_MEMBER, memberId + " is not a member of the cluster");
  }
}
