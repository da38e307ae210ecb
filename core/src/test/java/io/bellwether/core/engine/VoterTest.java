package io.bellwether.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.bellwether.core.LogEntry;
import io.bellwether.core.engine.Voter.Answer;
import io.bellwether.core.message.RequestVote;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

// Goal: a voter grants at most one vote per term, only to a log at least as up to date as its own,
// a pre-vote only for a later term, and nothing (not even a refusal) while its promise not to vote
// holds; the promise runs on time alone, unless the old, weaker rule is planted.
// Method: a Voter over a log ending at (index 2, term 1), T = 10, asked directly.
class VoterTest {

  private static final RaftConfig CONFIG = RaftConfig.DEFAULT;
  private static final int T = CONFIG.electionTimeoutTicks();

  private final RaftLog log = new RaftLog(0, 0,
      List.of(LogEntry.command(1, 1, new byte[0]), LogEntry.command(1, 2, new byte[0])));
  private final ElectionTimer timer = new ElectionTimer(T, new SplittableRandom(1), false);
  private Set<InjectedBug> planted = Set.of();
  private final Voter voter = new Voter(CONFIG, timer, log, b -> planted.contains(b));

  private static RequestVote vote(String from, long term, long lastIndex, long lastTerm) {
    return new RequestVote(from, "n1", term, lastIndex, lastTerm, false);
  }

  private static RequestVote preVote(String from, long term) {
    return new RequestVote(from, "n1", term, 2, 1, true);
  }

  private Answer follower(RequestVote rv, long now, long term, String votedFor, String leader) {
    return voter.answer(rv, now, term, votedFor, leader, Role.FOLLOWER);
  }

  @Test
  void oneVotePerTermFirstComeFirstServed() {
    assertThat(follower(vote("n2", 3, 2, 1), 0, 3, null, null)).isEqualTo(Answer.GRANT);
    assertThat(follower(vote("n3", 3, 2, 1), 0, 3, "n2", null)).isEqualTo(Answer.REFUSE);
    assertThat(follower(vote("n2", 3, 2, 1), 0, 3, "n2", null)).as("asked again").isEqualTo(Answer.GRANT);
  }

  @Test
  void noVoteInATermWhoseLeaderIsKnown() {
    assertThat(follower(vote("n3", 3, 2, 1), 0, 3, null, "n2")).isEqualTo(Answer.REFUSE);
  }

  @Test
  void noVoteForALogLessUpToDate() {
    assertThat(follower(vote("n2", 3, 1, 1), 0, 3, null, null)).as("shorter").isEqualTo(Answer.REFUSE);
    assertThat(follower(vote("n2", 3, 5, 0), 0, 3, null, null)).as("older last term")
        .isEqualTo(Answer.REFUSE);
    assertThat(follower(vote("n2", 3, 1, 2), 0, 3, null, null)).as("newer last term, shorter")
        .isEqualTo(Answer.GRANT);
  }

  @Test
  void aPreVoteIsGrantedOnlyForALaterTerm() {
    assertThat(follower(preVote("n2", 4), 0, 3, null, null)).isEqualTo(Answer.GRANT);
    assertThat(follower(preVote("n2", 3), 0, 3, null, null)).isEqualTo(Answer.REFUSE);
    assertThat(follower(preVote("n2", 4), 0, 3, "n3", "n3")).as("a pre-vote binds nothing")
        .isEqualTo(Answer.GRANT);
  }

  @Test
  void insideThePromiseAVoteIsIgnoredAndAPreVoteRefusedUntilTTicksAfterTheLeaderWasHeard() {
    timer.heardFromLeader(100);
    assertThat(follower(vote("n2", 3, 2, 1), 100 + T - 1, 3, null, null)).isEqualTo(Answer.IGNORE);
    assertThat(follower(preVote("n2", 4), 100 + T - 1, 3, null, null)).isEqualTo(Answer.REFUSE);
    assertThat(follower(vote("n2", 3, 2, 1), 100 + T, 3, null, null)).isEqualTo(Answer.GRANT);
    assertThat(follower(preVote("n2", 4), 100 + T, 3, null, null)).isEqualTo(Answer.GRANT);
  }

  @Test
  void aLeaderAndANodeJustRestartedWithHistoryRefuseVotes() {
    assertThat(voter.refusesVotes(50, Role.LEADER, "n1")).isTrue();
    ElectionTimer restarted = new ElectionTimer(T, new SplittableRandom(2), true);
    Voter fresh = new Voter(CONFIG, restarted, log, b -> false);
    assertThat(fresh.refusesVotes(T - 1, Role.FOLLOWER, null)).isTrue();
    assertThat(fresh.refusesVotes(T, Role.FOLLOWER, null)).isFalse();
  }

  @Test
  void withoutCheckQuorumThereIsNoPromise() {
    Voter noQuorum = new Voter(CONFIG.withCheckQuorum(false), timer, log, b -> false);
    timer.heardFromLeader(100);
    assertThat(noQuorum.refusesVotes(101, Role.FOLLOWER, "n2")).isFalse();
  }

  @Test
  void thePromiseOutlivesAForgottenLeaderUnlessTheOldRuleIsPlanted() {
    // A term adopted from a rejected pre-vote clears the leader field; the promise must hold anyway.
    timer.heardFromLeader(100);
    assertThat(voter.refusesVotes(105, Role.FOLLOWER, null)).isTrue();
    planted = EnumSet.of(InjectedBug.VOTE_PROMISE_NEEDS_LEADER_FIELD);
    assertThat(voter.refusesVotes(105, Role.FOLLOWER, null)).as("the hole the fix closed").isFalse();
  }

  @Test
  void thePlantedDoubleVoteGrantsASecondVoteInTheTerm() {
    planted = EnumSet.of(InjectedBug.DOUBLE_VOTE);
    assertThat(follower(vote("n3", 3, 2, 1), 0, 3, "n2", null)).isEqualTo(Answer.GRANT);
  }
}
