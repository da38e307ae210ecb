package io.bellwether.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bellwether.core.RequestFailedException;
import io.bellwether.core.RequestFailedException.Reason;
import io.bellwether.core.message.AppendEntries;
import io.bellwether.core.message.Message;
import io.bellwether.core.message.RequestVote;
import io.bellwether.core.message.TimeoutNow;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

// Goal: leadership transfer (Raft thesis §3.10) hands over at once to an up-to-date voter, brings a
// lagging one up to date first, takes no proposals meanwhile, gives up after an election timeout,
// and never lets the old leader serve a read from its lease once the target may be elected.
// Method: engines joined by EngineNet; the test holds or drops messages to shape each case.
class LeadershipTransferTest {

  private static final RaftConfig CONFIG = RaftConfig.DEFAULT; // T = 10 ticks

  private static EngineNet clusterLedBy(String leader) {
    EngineNet net = EngineNet.of(3, CONFIG, 7);
    net.campaign(leader);
    assertThat(net.leader()).isEqualTo(leader);
    return net;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void anUpToDateTargetIsElectedAtOnceWithoutWaitingForAnyTimeout() {
    EngineNet net = clusterLedBy("n1");
    RaftEngine old = net.get("n1");
    long term = old.term();
    int before = net.delivered.size();
    // Every follower heard from n1 just now: inside their promise not to vote.
    old.transferLeadership("n2");
    net.stabilize(); // no tick at all
    assertThat(net.leader()).isEqualTo("n2");
    assertThat(net.get("n2").term()).isEqualTo(term + 1);
    assertThat(old.role()).isEqualTo(Role.FOLLOWER);
    List<Message> handover = net.delivered.subList(before, net.delivered.size());
    assertThat(handover).filteredOn(m -> m instanceof RequestVote rv && rv.preVote()).as("no pre-vote").isEmpty();
    assertThat(handover).filteredOn(m -> m instanceof RequestVote rv && rv.transfer()).isNotEmpty();
  }

  @Test
  void aPauseBeforeTheTimeoutNowLeavesDoesNotGiveTheTransferUp() {
    EngineNet net = clusterLedBy("n1");
    RaftEngine old = net.get("n1");
    old.transferLeadership("n2");
    // The node thread stalls before the TimeoutNow is sent; the pause's ticks come at once.
    for (int i = 0; i < 2 * RaftConfig.DEFAULT.electionTimeoutTicks(); i++) old.tick();
    assertThat(old.transferee()).as("still handing over: nothing was sent yet").isEqualTo("n2");
    net.stabilize();
    assertThat(net.leader()).isEqualTo("n2");
  }

  @Test
  void aLaggingTargetIsBroughtUpToDateFirstAndNoProposalIsTakenMeanwhile() {
    EngineNet net = clusterLedBy("n1");
    RaftEngine old = net.get("n1");
    net.isolate("n3");
    for (int i = 0; i < 5; i++) old.propose(bytes("w" + i));
    net.stabilize(); // committed by n1 and n2; n3 missed them
    net.healAll();
    old.transferLeadership("n3");
    assertThat(old.transferee()).isEqualTo("n3");
    assertThatThrownBy(() -> old.propose(bytes("during")))
        .isInstanceOfSatisfying(RequestFailedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NO_LEADER))
        .hasMessageContaining("handed to n3");
    // The pipeline to n3 stalled while it was cut off: heartbeats restart it, well within the deadline.
    for (int i = 0; i < CONFIG.electionTimeoutTicks() - 1 && !"n3".equals(net.leader()); i++) {
      net.tickAll(1);
    }
    assertThat(net.leader()).isEqualTo("n3");
    RaftEngine target = net.get("n3");
    assertThat(target.lastIndex()).as("the new leader holds every entry of the old").isGreaterThanOrEqualTo(old.lastIndex());
    int timeoutNowIndex = indexOf(net.delivered, TimeoutNow.class);
    int lastAppendToTarget = lastIndexOf(net.delivered, m -> m instanceof AppendEntries a && a.to().equals("n3") && a.from().equals("n1"));
    assertThat(timeoutNowIndex).as("TimeoutNow only after the target caught up").isGreaterThan(lastAppendToTarget);
  }

  @Test
  void aTransferThatCannotEndIsGivenUpAfterAnElectionTimeoutAndProposalsResume() {
    EngineNet net = clusterLedBy("n1");
    RaftEngine old = net.get("n1");
    net.isolate("n3");
    old.propose(bytes("x"));
    net.stabilize();
    old.transferLeadership("n3"); // n3 cannot be reached: never catches up
    for (int i = 0; i < CONFIG.electionTimeoutTicks() - 1; i++) {
      old.tick();
      net.stabilize();
      assertThat(old.transferee()).isEqualTo("n3");
    }
    old.tick();
    net.stabilize();
    assertThat(old.transferee()).as("given up after an election timeout").isNull();
    assertThat(old.role()).isEqualTo(Role.LEADER);
    assertThat(old.propose(bytes("after"))).isPositive();
  }

  @Test
  void aTransferToAPeerWhoseConnectionIsLostIsGivenUpAtOnce() {
    EngineNet net = clusterLedBy("n1");
    RaftEngine old = net.get("n1");
    net.isolate("n3");
    old.propose(bytes("x"));
    net.stabilize();
    old.transferLeadership("n3");
    old.peerUnreachable("n2"); // another peer: nothing changes
    assertThat(old.transferee()).isEqualTo("n3");
    old.peerUnreachable("n3");
    assertThat(old.transferee()).as("no election timeout waited out").isNull();
    assertThat(old.propose(bytes("after"))).isPositive();
  }

  @Test
  void theOldLeaderServesNoLeaseReadOnceItSentTimeoutNowEvenIfTheTransferIsGivenUp() {
    EngineNet net = clusterLedBy("n1");
    RaftEngine old = net.get("n1");
    old.propose(bytes("x"));
    net.tickAll(3); // heartbeat rounds acknowledged: the lease holds
    assertThat(old.servesLeaseReads()).isTrue();
    // The TimeoutNow is lost: n2 never campaigns, and n1 stays leader.
    net.dropWhen(m -> m instanceof TimeoutNow);
    old.transferLeadership("n2");
    net.stabilize();
    assertThat(old.role()).isEqualTo(Role.LEADER);
    assertThat(old.servesLeaseReads()).as("a late TimeoutNow could still elect n2 past the promise").isFalse();
    net.dropWhen(m -> false);
    net.tickAll(CONFIG.electionTimeoutTicks() + 2); // given up, heartbeats acknowledged again
    assertThat(old.transferee()).isNull();
    assertThat(old.servesLeaseReads()).as("not for the rest of its term").isFalse();
  }

  @Test
  void aFollowerCampaignsOnTimeoutNowOnlyFromItsOwnLeaderInItsTerm() {
    EngineNet net = clusterLedBy("n1");
    RaftEngine f = net.get("n2");
    long term = f.term();
    f.step(new TimeoutNow("n3", "n2", term)); // not the leader
    assertThat(f.role()).isEqualTo(Role.FOLLOWER);
    f.step(new TimeoutNow("n1", "n2", term - 1)); // stale
    assertThat(f.role()).isEqualTo(Role.FOLLOWER);
    assertThat(f.term()).isEqualTo(term);
    f.step(new TimeoutNow("n1", "n2", term));
    assertThat(f.role()).isEqualTo(Role.CANDIDATE);
    assertThat(f.term()).isEqualTo(term + 1);
  }

  @Test
  void anOrdinaryVoteRequestInsideThePromiseIsStillIgnored() {
    EngineNet net = clusterLedBy("n1");
    RaftEngine f = net.get("n2");
    long term = f.term();
    RaftEngine other = net.get("n3");
    f.step(new RequestVote("n3", "n2", term + 1, other.lastIndex(), other.lastTerm(), false, false));
    assertThat(f.term()).as("not even the term moves").isEqualTo(term);
    assertThat(net.drain("n2")).isEmpty();
    f.step(new RequestVote("n3", "n2", term + 1, other.lastIndex(), other.lastTerm(), false, true));
    assertThat(f.term()).isEqualTo(term + 1);
    assertThat(f.votedFor()).isEqualTo("n3");
  }

  @Test
  void onlyTheLeaderTransfersAndOnlyToAVoter() {
    EngineNet net = clusterLedBy("n1");
    assertThatThrownBy(() -> net.get("n2").transferLeadership("n3"))
        .isInstanceOfSatisfying(RequestFailedException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.NOT_LEADER);
          assertThat(e.leaderHint()).isEqualTo("n1");
        });
    assertThatThrownBy(() -> net.get("n1").transferLeadership("n9")).isInstanceOf(IllegalArgumentException.class);
    net.get("n1").transferLeadership("n1");
    assertThat(net.get("n1").transferee()).as("to itself: nothing to do").isNull();
  }

  private static int indexOf(List<?> messages, Class<?> type) {
    for (int i = 0; i < messages.size(); i++) if (type.isInstance(messages.get(i))) return i;
    return -1;
  }

  private static int lastIndexOf(List<Message> messages, java.util.function.Predicate<Message> p) {
    for (int i = messages.size() - 1; i >= 0; i--) if (p.test(messages.get(i))) return i;
    return -1;
  }
}
