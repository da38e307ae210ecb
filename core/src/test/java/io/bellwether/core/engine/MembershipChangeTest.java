package io.bellwether.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bellwether.core.EntryType;
import io.bellwether.core.HardState;
import io.bellwether.core.LogEntry;
import io.bellwether.core.Member;
import io.bellwether.core.Membership;
import io.bellwether.core.RequestFailedException;
import io.bellwether.core.RequestFailedException.Reason;
import io.bellwether.core.message.AppendEntries;
import io.bellwether.core.message.RequestVote;
import io.bellwether.core.spi.Snapshot;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

// Goal: one rule of the thesis' single-server membership changes (§4.1, §4.2) per test: a
// configuration takes effect on append, everywhere; learners get the log but never count or vote;
// one change at a time, and only after the leader committed an entry of its term (the 2015 fix);
// promotion only when caught up; a removed leader steps down once its removal commits; removed and
// joining nodes never start elections; snapshots and restarts keep the configuration.
// Method: engines joined by EngineNet; spare nodes join with no configuration.
class MembershipChangeTest {

  private static final RaftConfig CONFIG = RaftConfig.DEFAULT; // T = 10 ticks

  private static EngineNet clusterLedBy(String leader) {
    EngineNet net = EngineNet.of(3, CONFIG, 11);
    net.campaign(leader);
    assertThat(net.leader()).isEqualTo(leader);
    return net;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static Member learner(String id) {
    return Member.learner(id, "127.0.0.1:7" + id.substring(1), "127.0.0.1:8" + id.substring(1));
  }

  /** n1 leads n1..n3; n4 joined with no configuration and was added as a learner, caught up. */
  private static EngineNet withLearnerN4() {
    EngineNet net = clusterLedBy("n1");
    net.join("n4", CONFIG, 44);
    net.get("n1").addLearner(learner("n4"));
    net.stabilize();
    net.tickAll(CONFIG.heartbeatIntervalTicks()); // the commit index reaches n4 with a heartbeat
    return net;
  }

  /**
   * Heals every link and lets heartbeats restart the pipelines stalled while links were cut (a
   * stall shows after two heartbeat answers with no progress), well inside an election timeout.
   */
  private static void healAndCatchUp(EngineNet net) {
    net.healAll();
    net.tickAll(3 * CONFIG.heartbeatIntervalTicks());
  }

  /** The leader among {@code ids}, or null: a cut-off old leader may still think it leads. */
  private static String leaderAmong(EngineNet net, String... ids) {
    for (String id : ids) {
      if (net.get(id).role() == Role.LEADER) return id;
    }
    return null;
  }

  /** Lets {@code ids} elect a leader among themselves (the others are cut off) and returns it. */
  private static RaftEngine electAmong(EngineNet net, String... ids) {
    for (int i = 0; i < 10 * CONFIG.electionTimeoutTicks() && leaderAmong(net, ids) == null; i++) {
      net.tickAll(1);
    }
    String leader = leaderAmong(net, ids);
    assertThat(leader).as("a leader among " + List.of(ids)).isNotNull();
    return net.get(leader);
  }

  private static Reason reasonOf(Runnable r) {
    try {
      r.run();
    } catch (RequestFailedException e) {
      return e.reason();
    }
    throw new AssertionError("expected a RequestFailedException");
  }

  @Test
  void aLearnerReceivesTheLogAndAppliesItButIsNoVoter() {
    EngineNet net = withLearnerN4();
    RaftEngine leader = net.get("n1");
    leader.propose(bytes("x"));
    net.stabilize();
    net.tickAll(CONFIG.heartbeatIntervalTicks());
    RaftEngine n4 = net.get("n4");
    assertThat(n4.lastIndex()).isEqualTo(leader.lastIndex());
    assertThat(n4.commitIndex()).isEqualTo(leader.commitIndex());
    assertThat(n4.membership().learners()).containsExactly("n4");
    assertThat(n4.membership().member("n4").orElseThrow().peer()).isEqualTo("127.0.0.1:74");
    assertThat(leader.voters()).containsExactly("n1", "n2", "n3");
    assertThat(net.applied.get("n4")).extracting(LogEntry::type).contains(EntryType.COMMAND);
  }

  @Test
  void aLearnerNeverCountsForCommitment() {
    EngineNet net = withLearnerN4();
    RaftEngine leader = net.get("n1");
    net.isolate("n2");
    net.isolate("n3");
    long index = leader.propose(bytes("only-n1-and-n4"));
    net.stabilize();
    assertThat(net.get("n4").lastIndex()).as("the learner holds it").isGreaterThanOrEqualTo(index);
    assertThat(leader.commitIndex()).as("n1 and a learner are no majority of three voters").isLessThan(index);
  }

  @Test
  void aLearnerNeverStartsAnElectionHoweverLongTheLeaderIsSilent() {
    EngineNet net = withLearnerN4();
    net.isolate("n1");
    net.isolate("n4");
    RaftEngine n4 = net.get("n4");
    long term = n4.term();
    for (int i = 0; i < 20 * CONFIG.electionTimeoutTicks(); i++) n4.tick();
    net.stabilize();
    assertThat(n4.role()).isEqualTo(Role.FOLLOWER);
    assertThat(n4.term()).isEqualTo(term);
    assertThat(net.delivered).noneMatch(m -> m instanceof RequestVote && m.from().equals("n4"));
  }

  @Test
  void aJoiningNodeWithNoConfigurationNeverCampaigns() {
    EngineNet net = clusterLedBy("n1");
    RaftEngine n5 = net.join("n5", CONFIG, 55);
    for (int i = 0; i < 20 * CONFIG.electionTimeoutTicks(); i++) n5.tick();
    assertThat(n5.hasReady() ? n5.ready().messages() : List.of()).isEmpty();
    assertThat(n5.term()).isZero();
  }

  @Test
  void aConfigurationTakesEffectWhenAppendedNotWhenCommitted() {
    EngineNet net = withLearnerN4();
    RaftEngine leader = net.get("n1");
    net.isolate("n2");
    net.isolate("n3"); // nothing can commit now
    long index = leader.promote("n4", 1000);
    net.stabilize();
    assertThat(leader.commitIndex()).isLessThan(index);
    assertThat(leader.membershipChangePending()).isTrue();
    assertThat(leader.voters()).as("the leader counts n4 at once").containsExactly("n1", "n2", "n3", "n4");
    assertThat(net.get("n4").voters()).as("so does n4, as it appended it").contains("n4");
    assertThat(net.get("n2").voters()).as("n2 has not seen it").doesNotContain("n4");
  }

  @Test
  void aFollowerFallsBackToThePreviousConfigurationWhenANewLeaderOverwritesTheChange() {
    EngineNet net = withLearnerN4();
    RaftEngine n1 = net.get("n1");
    // n1 appends "promote n4", which reaches only n4; then n1 and n4 are cut off.
    net.dropWhen(m -> m instanceof AppendEntries a && a.from().equals("n1") && !a.to().equals("n4"));
    long promotion = n1.promote("n4", 1000);
    net.stabilize();
    RaftEngine n4 = net.get("n4");
    assertThat(n4.voters()).contains("n4");
    assertThat(n4.membership().index()).isEqualTo(promotion);
    net.dropWhen(m -> false);
    net.isolate("n1");
    net.isolate("n4");
    // n2 and n3 are a majority of the voters they know, n1..n3.
    RaftEngine newLeader = electAmong(net, "n2", "n3");
    newLeader.propose(bytes("after"));
    net.stabilize();
    healAndCatchUp(net);
    net.isolate("n1");
    net.tickAll(3 * CONFIG.heartbeatIntervalTicks());
    // The new leader's entries overwrote the promotion in n4's log, and with it n4's vote.
    assertThat(n4.termAt(promotion)).isEqualTo(newLeader.term());
    assertThat(n4.voters()).containsExactly("n1", "n2", "n3");
    assertThat(n4.membership().learners()).containsExactly("n4");
    assertThat(n4.membership().index()).isLessThan(promotion);
  }

  @Test
  void onlyOneChangeAtATime() {
    EngineNet net = withLearnerN4();
    RaftEngine leader = net.get("n1");
    net.isolate("n2");
    net.isolate("n3");
    net.join("n5", CONFIG, 55);
    leader.addLearner(learner("n5"));
    net.stabilize();
    assertThat(reasonOf(() -> leader.promote("n4", 1000))).isEqualTo(Reason.CHANGE_IN_PROGRESS);
    assertThat(reasonOf(() -> leader.removeMember("n3"))).isEqualTo(Reason.CHANGE_IN_PROGRESS);
    assertThat(reasonOf(() -> leader.addLearner(learner("n6")))).isEqualTo(Reason.CHANGE_IN_PROGRESS);
    assertThat(leader.membership().learners()).containsExactly("n4", "n5");
  }

  @Test
  void aNewLeaderChangesNothingBeforeItCommittedAnEntryOfItsTerm() {
    EngineNet net = clusterLedBy("n1");
    net.isolate("n1");
    // The new leader wins but its no-op reaches no one: hold every AppendEntries.
    net.dropWhen(m -> m instanceof AppendEntries);
    RaftEngine n2 = electAmong(net, "n2", "n3");
    assertThat(n2.termAt(n2.commitIndex())).isLessThan(n2.term());
    assertThatThrownBy(() -> n2.addLearner(learner("n4")))
        .isInstanceOfSatisfying(RequestFailedException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.CHANGE_IN_PROGRESS))
        .hasMessageContaining("not committed an entry of its term");
    net.dropWhen(m -> false);
    net.tickAll(3 * CONFIG.heartbeatIntervalTicks());
    assertThat(n2.termAt(n2.commitIndex())).isEqualTo(n2.term());
    net.join("n4", CONFIG, 44);
    n2.addLearner(learner("n4")); // now it may
    assertThat(n2.membership().learners()).containsExactly("n4");
  }

  @Test
  void aLearnerIsPromotedOnlyWhenCaughtUp() {
    EngineNet net = clusterLedBy("n1");
    RaftEngine leader = net.get("n1");
    for (int i = 0; i < 50; i++) leader.propose(bytes("w" + i));
    net.stabilize();
    net.join("n4", CONFIG, 44);
    net.isolate("n4"); // added, but it hears nothing yet
    leader.addLearner(learner("n4"));
    net.stabilize();
    RequestFailedException silent = catchFailure(() -> leader.promote("n4", 10));
    assertThat(silent.reason()).isEqualTo(Reason.NOT_CAUGHT_UP);
    assertThat(silent.getMessage()).contains("has not answered");
    net.healAll();
    net.dropWhen(m -> m instanceof AppendEntries a && a.to().equals("n4") && !a.entries().isEmpty());
    net.tickAll(CONFIG.heartbeatIntervalTicks()); // n4 answers heartbeats but gets no entries
    RequestFailedException behind = catchFailure(() -> leader.promote("n4", 10));
    assertThat(behind.reason()).isEqualTo(Reason.NOT_CAUGHT_UP);
    assertThat(behind.getMessage()).contains("entries behind");
    assertThat(leader.lag("n4")).isGreaterThan(10);
    net.dropWhen(m -> false);
    net.tickAll(3 * CONFIG.heartbeatIntervalTicks());
    assertThat(leader.lag("n4")).isZero();
    long index = leader.promote("n4", 10);
    net.stabilize();
    assertThat(leader.commitIndex()).isGreaterThanOrEqualTo(index);
    assertThat(leader.voters()).containsExactly("n1", "n2", "n3", "n4");
  }

  private static RequestFailedException catchFailure(Runnable r) {
    try {
      r.run();
    } catch (RequestFailedException e) {
      return e;
    }
    throw new AssertionError("expected a RequestFailedException");
  }

  @Test
  void afterPromotionTheMajorityIsOfFourVoters() {
    EngineNet net = withLearnerN4();
    RaftEngine leader = net.get("n1");
    leader.promote("n4", 1000);
    net.stabilize();
    net.isolate("n3");
    net.isolate("n4");
    long index = leader.propose(bytes("two-of-four"));
    net.stabilize();
    assertThat(leader.commitIndex()).as("n1 and n2 are no majority of four").isLessThan(index);
    healAndCatchUp(net);
    assertThat(leader.commitIndex()).isGreaterThanOrEqualTo(index);
  }

  @Test
  void repeatsAreNoOpsAndBadChangesAreRefusedWithTheirReason() {
    EngineNet net = withLearnerN4();
    RaftEngine leader = net.get("n1");
    long last = leader.lastIndex();
    long configIndex = leader.membership().index();
    assertThat(leader.addLearner(learner("n4"))).isEqualTo(configIndex);
    assertThat(leader.lastIndex()).as("nothing appended").isEqualTo(last);
    assertThat(reasonOf(() -> leader.addLearner(Member.learner("n4", "10.0.0.9:7000", null))))
        .isEqualTo(Reason.CONFLICT);
    assertThat(reasonOf(() -> leader.addLearner(Member.learner("n2", "127.0.0.1:1", null))))
        .isEqualTo(Reason.CONFLICT);
    assertThat(reasonOf(() -> leader.promote("n9", 1000))).isEqualTo(Reason.NOT_A_MEMBER);
    assertThat(reasonOf(() -> leader.removeMember("n9"))).isEqualTo(Reason.NOT_A_MEMBER);
    assertThat(leader.promote("n2", 1000)).as("a voter already").isEqualTo(configIndex);
    assertThat(reasonOf(() -> net.get("n2").addLearner(learner("n5")))).isEqualTo(Reason.NOT_LEADER);
    assertThat(leader.lastIndex()).isEqualTo(last);
  }

  @Test
  void theLastVoterIsNeverRemoved() {
    EngineNet net = EngineNet.of(1, CONFIG, 3);
    net.campaign("n1");
    RaftEngine solo = net.get("n1");
    assertThat(solo.role()).isEqualTo(Role.LEADER);
    assertThat(reasonOf(() -> solo.removeMember("n1"))).isEqualTo(Reason.LAST_VOTER);
  }

  @Test
  void aLeaderThatRemovesItselfLeadsUntilTheRemovalCommitsThenStepsDownForGood() {
    EngineNet net = clusterLedBy("n1");
    RaftEngine n1 = net.get("n1");
    net.isolate("n2");
    net.isolate("n3");
    long index = n1.removeMember("n1");
    net.stabilize();
    assertThat(n1.role()).as("still leading: the removal is not committed").isEqualTo(Role.LEADER);
    assertThat(n1.voters()).containsExactly("n2", "n3");
    healAndCatchUp(net);
    assertThat(n1.commitIndex()).isGreaterThanOrEqualTo(index);
    assertThat(n1.role()).isEqualTo(Role.FOLLOWER);
    // n2 and n3 elect a leader among themselves; n1 never campaigns again.
    electAmong(net, "n2", "n3");
    int votesFromN1 = (int) net.delivered.stream()
        .filter(m -> m instanceof RequestVote && m.from().equals("n1")).count();
    net.isolate("n1");
    for (int i = 0; i < 20 * CONFIG.electionTimeoutTicks(); i++) n1.tick();
    net.stabilize();
    assertThat(net.delivered.stream().filter(m -> m instanceof RequestVote && m.from().equals("n1")))
        .hasSize(votesFromN1);
  }

  @Test
  void aRemovedFollowerThatNeverLearnedOfItCannotDisruptTheCluster() {
    EngineNet net = clusterLedBy("n1");
    net.isolate("n3"); // n3 misses its own removal
    RaftEngine n1 = net.get("n1");
    long index = n1.removeMember("n3");
    net.stabilize();
    assertThat(n1.commitIndex()).isGreaterThanOrEqualTo(index); // n1 and n2 are a majority of two
    long term = n1.term();
    net.healAll();
    // The leader no longer sends n3 anything; n3 times out and asks for (pre-)votes, in vain.
    net.tickAll(5 * CONFIG.electionTimeoutTicks());
    assertThat(net.leader()).isEqualTo("n1");
    assertThat(n1.term()).as("no disruption: pre-vote keeps the term").isEqualTo(term);
    assertThat(net.delivered).noneMatch(m -> m instanceof AppendEntries && m.to().equals("n3")
        && ((AppendEntries) m).entries().stream().anyMatch(e -> e.index() > index));
  }

  @Test
  void aLearnerFarBehindGetsTheSnapshotAndItsConfiguration() {
    EngineNet net = clusterLedBy("n1");
    RaftEngine leader = net.get("n1");
    for (int i = 0; i < 20; i++) leader.propose(bytes("w" + i));
    net.stabilize();
    long snapIndex = leader.appliedIndex();
    Snapshot snap = new Snapshot(snapIndex, leader.termAt(snapIndex), leader.membershipAt(snapIndex),
        bytes("state"));
    leader.snapshotTaken(snap, 0);
    assertThat(leader.firstIndex()).isEqualTo(snapIndex + 1);
    RaftEngine n4 = net.join("n4", CONFIG, 44);
    leader.addLearner(learner("n4"));
    net.stabilize();
    net.tickAll(CONFIG.heartbeatIntervalTicks());
    assertThat(n4.snapshotIndex()).isEqualTo(snapIndex);
    assertThat(n4.lastIndex()).isEqualTo(leader.lastIndex());
    assertThat(n4.membership().learners()).containsExactly("n4");
    assertThat(n4.membership().voters()).containsExactly("n1", "n2", "n3");
  }

  @Test
  void aRestartedNodeUsesTheConfigurationInItsLogNotItsBootstrap() {
    EngineNet net = withLearnerN4();
    RaftEngine n1 = net.get("n1");
    n1.promote("n4", 1000);
    net.stabilize();
    // n2 restarts from its log, with the founding voters as its (now stale) bootstrap.
    RaftEngine n2 = net.get("n2");
    List<LogEntry> log = new ArrayList<>();
    for (long i = n2.firstIndex(); i <= n2.lastIndex(); i++) log.add(n2.entryAt(i));
    RaftEngine restarted = new RaftEngine("n2", Membership.ofVoters(List.of("n1", "n2", "n3")), CONFIG,
        new SplittableRandom(1), new HardState(n2.term(), n2.votedFor(), 0), null, log);
    assertThat(restarted.voters()).containsExactly("n1", "n2", "n3", "n4");
    assertThat(restarted.membership()).isEqualTo(n2.membership());
    // And from a snapshot whose configuration is newer than the bootstrap.
    Snapshot snap = new Snapshot(n2.lastIndex(), n2.lastTerm(), n2.membership(), bytes("s"));
    RaftEngine fromSnapshot = new RaftEngine("n2", Membership.ofVoters(List.of("n1", "n2", "n3")),
        CONFIG, new SplittableRandom(1), new HardState(n2.term(), n2.votedFor(), 0), snap, List.of());
    assertThat(fromSnapshot.voters()).containsExactly("n1", "n2", "n3", "n4");
  }

  @Test
  void aChangeEndsTheLeaseUntilTheNewVotersAcknowledge() {
    EngineNet net = withLearnerN4();
    RaftEngine leader = net.get("n1");
    net.tickAll(CONFIG.heartbeatIntervalTicks()); // a round acknowledged: the lease holds
    assertThat(leader.servesLeaseReads()).isTrue();
    net.dropWhen(m -> true);
    leader.promote("n4", 1000);
    net.stabilize();
    assertThat(leader.servesLeaseReads()).as("acks of the old voters back no lease now").isFalse();
    net.dropWhen(m -> false);
    net.tickAll(3 * CONFIG.heartbeatIntervalTicks());
    assertThat(leader.servesLeaseReads()).isTrue();
  }

  @Test
  void eachPlantedMembershipBugBreaksTheRuleItsTestChecks() {
    // CONFIG_ON_COMMIT: the uncommitted promotion is not counted yet.
    EngineNet onCommit = withLearnerN4();
    RaftEngine leader = onCommit.get("n1");
    leader.plant(java.util.Set.of(InjectedBug.CONFIG_ON_COMMIT));
    onCommit.isolate("n2");
    onCommit.isolate("n3");
    leader.promote("n4", 1000);
    assertThat(leader.voters()).doesNotContain("n4");

    // TWO_CHANGES_IN_FLIGHT: a second change is taken while the first is uncommitted.
    EngineNet twoInFlight = withLearnerN4();
    RaftEngine leader2 = twoInFlight.get("n1");
    leader2.plant(java.util.Set.of(InjectedBug.TWO_CHANGES_IN_FLIGHT));
    twoInFlight.isolate("n2");
    twoInFlight.isolate("n3");
    leader2.promote("n4", 1000);
    leader2.removeMember("n3");
    assertThat(leader2.voters()).containsExactly("n1", "n2", "n4");

    // CHANGE_BEFORE_TERM_COMMIT: a new leader changes the configuration before its no-op commits.
    EngineNet early = clusterLedBy("n1");
    early.tickAll(CONFIG.heartbeatIntervalTicks()); // n2 and n3 learn that the first entry committed
    early.get("n2").plant(java.util.Set.of(InjectedBug.CHANGE_BEFORE_TERM_COMMIT));
    early.get("n3").plant(java.util.Set.of(InjectedBug.CHANGE_BEFORE_TERM_COMMIT));
    early.isolate("n1");
    early.dropWhen(m -> m instanceof AppendEntries);
    RaftEngine n2 = electAmong(early, "n2", "n3");
    early.join("n4", CONFIG, 44);
    n2.addLearner(learner("n4"));
    assertThat(n2.membership().learners()).containsExactly("n4");
  }

  @Test
  void aChangeOfVotersIsRefusedWhenTheNewVotersHaveNoActiveMajority() {
    EngineNet net = clusterLedBy("n1");
    RaftEngine n1 = net.get("n1");
    net.isolate("n2");
    net.tickAll(2 * CONFIG.electionTimeoutTicks()); // n2 has not answered for an election timeout
    // Removing n3 would leave {n1, n2}: both needed, n2 silent. The cluster would stop at once.
    RequestFailedException e = catchFailure(() -> n1.removeMember("n3"));
    assertThat(e.reason()).isEqualTo(Reason.QUORUM_AT_RISK);
    assertThat(e.getMessage()).contains("only 1 answered");
    assertThat(n1.voters()).containsExactly("n1", "n2", "n3");
    // The silent one itself may go: {n1, n3} are both there.
    n1.removeMember("n2");
    net.stabilize();
    assertThat(n1.voters()).containsExactly("n1", "n3");
    assertThat(n1.membershipChangePending()).isFalse();
  }

  @Test
  void aReadWaitingForAnAbsentVoterIsAnsweredWhenTheLeaderBecomesTheOnlyVoter() {
    EngineNet net = EngineNet.of(2, CONFIG, 5);
    net.campaign("n1");
    RaftEngine n1 = net.get("n1");
    net.isolate("n2");
    n1.readIndex(42);
    net.stabilize();
    assertThat(net.readStates.get("n1")).as("n2 must acknowledge it").isEmpty();
    n1.removeMember("n2"); // n1 alone is a majority of the voters after it
    net.stabilize();
    assertThat(n1.voters()).containsExactly("n1");
    assertThat(net.readStates.get("n1")).extracting(ReadState::requestId).containsExactly(42L);
  }

  @Test
  void aNodeWithNoConfigurationIgnoresVoteRequests() {
    EngineNet net = EngineNet.of(3, CONFIG, 11);
    RaftEngine wiped = net.join("n9", CONFIG, 9);
    wiped.step(new RequestVote("n1", "n9", 5, 0, 0, false, false));
    wiped.step(new RequestVote("n2", "n9", 6, 0, 0, true, false));
    assertThat(wiped.hasReady() ? wiped.ready().messages() : List.of()).isEmpty();
    assertThat(wiped.term()).as("not even the term moves").isZero();
    assertThat(wiped.votedFor()).isNull();
  }

  @Test
  void aVoterIsNeverAddedAgainAsALearner() {
    EngineNet net = clusterLedBy("n1");
    RaftEngine n1 = net.get("n1");
    net.join("n4", CONFIG, 4);
    n1.addLearner(Member.learner("n4", "127.0.0.1:74", null));
    net.stabilize();
    assertThat(reasonOf(() -> n1.addLearner(Member.learner("n2", null, null)))).isEqualTo(Reason.CONFLICT);
  }

  @Test
  void theFirstLeaderWritesTheBootstrapConfigurationIntoTheLog() {
    EngineNet net = clusterLedBy("n1");
    RaftEngine n1 = net.get("n1");
    LogEntry first = n1.entryAt(1);
    assertThat(first.type()).isEqualTo(EntryType.CONFIG);
    assertThat(n1.membership().index()).isEqualTo(1);
    assertThat(n1.membership().voters()).containsExactly("n1", "n2", "n3");
    // A node that joins later learns the founding voters from the log itself.
    RaftEngine n4 = net.join("n4", CONFIG, 4);
    n1.addLearner(learner("n4"));
    net.stabilize();
    assertThat(n4.membershipAt(1).voters()).containsExactly("n1", "n2", "n3");
    // The next leader starts its term with a no-op: the configuration is in the log already.
    net.isolate("n1");
    RaftEngine next = electAmong(net, "n2", "n3");
    assertThat(next.entryAt(next.lastIndex()).type()).isEqualTo(EntryType.NOOP);
  }

  @Test
  void aRemovedFollowerIsSentItsRemovalSoItNeverCampaignsAndThenIsSentNothing() {
    EngineNet net = clusterLedBy("n1");
    RaftEngine n1 = net.get("n1");
    RaftEngine n3 = net.get("n3");
    long index = n1.removeMember("n3");
    net.stabilize();
    net.tickAll(3 * CONFIG.heartbeatIntervalTicks());
    assertThat(n3.lastIndex()).as("n3 holds the entry that removes it").isGreaterThanOrEqualTo(index);
    assertThat(n3.membership().contains("n3")).isFalse();
    int sentToN3 = (int) net.delivered.stream().filter(m -> m.to().equals("n3")).count();
    long term = n1.term();
    for (int i = 0; i < 10 * CONFIG.electionTimeoutTicks(); i++) net.tickAll(1);
    assertThat(net.delivered.stream().filter(m -> m.from().equals("n3") && m instanceof RequestVote))
        .as("a removed node that knows it never campaigns").isEmpty();
    assertThat(net.delivered.stream().filter(m -> m.to().equals("n3")))
        .as("and the leader sends it nothing more").hasSize(sentToN3);
    assertThat(n1.term()).isEqualTo(term);
  }
}
