package io.bellwether.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Each election is counted with the reason its candidate had no leader, and each step-down with why
 * the leader stopped: what the metrics, the event stream and the logs tell an operator after a
 * failover. Every scenario runs over several seeds (the election timers' draws).
 */
class ElectionCauseTest {

  private static final RaftConfig CONFIG = RaftConfig.DEFAULT;
  private static final int T = CONFIG.electionTimeoutTicks();

  @Test
  void theFirstElectionOfANewClusterIsAStartupOne() {
    for (long seed = 1; seed <= 10; seed++) {
      EngineNet net = EngineNet.of(3, CONFIG, seed);
      net.campaign("n1");
      Elections e = net.get("n1").elections();
      assertThat(net.leader()).as("seed %d", seed).isEqualTo("n1");
      assertThat(e.started()).isEqualTo(1);
      assertThat(e.lastCause()).isEqualTo(ElectionCause.STARTUP);
      assertThat(e.lastTerm()).isEqualTo(1);
      assertThat(net.get("n2").elections().started()).isZero();
    }
  }

  @Test
  void aLeaderThatFallsSilentCausesALeaderSilentElection() {
    for (long seed = 1; seed <= 10; seed++) {
      EngineNet net = leaderN1(seed);
      net.isolate("n1"); // a partition or a frozen process: no connection closes
      net.tickAll(6 * T);
      String next = newLeaderOtherThan(net, "n1");
      assertThat(net.get(next).elections().lastCause()).as("seed %d", seed).isEqualTo(ElectionCause.LEADER_SILENT);
      assertThat(net.get(next).elections().lastTerm()).isEqualTo(net.get(next).term());
    }
  }

  @Test
  void aLostConnectionToTheLeaderCausesAConnectionLostElection() {
    for (long seed = 1; seed <= 10; seed++) {
      EngineNet net = leaderN1(seed);
      net.isolate("n1");
      net.get("n2").peerUnreachable("n1");
      net.get("n3").peerUnreachable("n1");
      net.tickAll(3 * T);
      String next = newLeaderOtherThan(net, "n1");
      assertThat(net.get(next).elections().lastCause()).as("seed %d", seed)
          .isEqualTo(ElectionCause.LEADER_CONNECTION_LOST);
    }
  }

  @Test
  void aFalseAlarmAboutTheLeaderIsForgottenAtItsNextMessage() {
    EngineNet net = leaderN1(3);
    net.get("n2").peerUnreachable("n1");
    net.tickAll(CONFIG.heartbeatIntervalTicks() + 1); // the leader's heartbeat arrives: no crash after all
    net.isolate("n1");
    net.tickAll(3 * T);
    String next = newLeaderOtherThan(net, "n1");
    assertThat(net.get(next).elections().lastCause()).isEqualTo(ElectionCause.LEADER_SILENT);
  }

  @Test
  void aLeadershipTransferCausesATransferElection() {
    for (long seed = 1; seed <= 10; seed++) {
      EngineNet net = leaderN1(seed);
      net.get("n1").transferLeadership("n3");
      net.stabilize();
      net.tickAll(2);
      assertThat(net.leader()).as("seed %d", seed).isEqualTo("n3");
      assertThat(net.get("n3").elections().lastCause()).isEqualTo(ElectionCause.TRANSFER);
      assertThat(net.get("n1").elections().stepDowns()).isEqualTo(1);
      assertThat(net.get("n1").elections().lastStepDownReason()).isEqualTo(StepDownReason.HIGHER_TERM);
    }
  }

  @Test
  void aLeaderCutOffFromTheMajorityStepsDownForCheckQuorumAndSaysSoWhenItCampaigns() {
    for (long seed = 1; seed <= 10; seed++) {
      EngineNet net = leaderN1(seed);
      net.isolate("n1");
      net.isolateLink("n2", "n3"); // nobody can win meanwhile
      net.tickAll(4 * T);
      Elections e = net.get("n1").elections();
      assertThat(e.stepDowns()).as("seed %d", seed).isEqualTo(1);
      assertThat(e.lastStepDownReason()).isEqualTo(StepDownReason.CHECK_QUORUM);
      assertThat(e.started()).isEqualTo(1); // its pre-votes went nowhere: no new term
      net.healAll();
      winAlone(net, "n1");
      assertThat(e.started()).isEqualTo(2);
      assertThat(e.lastCause()).as("seed %d", seed).isEqualTo(ElectionCause.CHECK_QUORUM_STEPDOWN);
    }
  }

  @Test
  void aCauseSticksUntilALeaderIsHeardSoALaterAttemptKeepsIt() {
    for (long seed = 1; seed <= 10; seed++) {
      EngineNet net = leaderN1(seed);
      net.isolate("n1");
      net.isolateLink("n2", "n3");
      net.get("n3").peerUnreachable("n1");
      net.tickAll(4 * T); // n3's pre-votes fail again and again: no term raised
      assertThat(net.get("n3").elections().started()).as("seed %d", seed).isZero();
      net.healAll();
      net.isolate("n1");
      winAlone(net, "n3");
      assertThat(net.get("n3").elections().lastCause()).as("seed %d", seed)
          .isEqualTo(ElectionCause.LEADER_CONNECTION_LOST);
    }
  }

  /** Ticks only {@code id} (the others' timers stand still) until it leads. */
  private static void winAlone(EngineNet net, String id) {
    RaftEngine e = net.get(id);
    for (int i = 0; i < 10 * T && e.role() != Role.LEADER; i++) {
      e.tick();
      net.stabilize();
    }
    assertThat(e.role()).as("%s leads", id).isEqualTo(Role.LEADER);
  }

  private static EngineNet leaderN1(long seed) {
    EngineNet net = EngineNet.of(3, CONFIG, seed);
    net.campaign("n1");
    net.tickAll(CONFIG.heartbeatIntervalTicks());
    assertThat(net.leader()).isEqualTo("n1");
    return net;
  }

  private static String newLeaderOtherThan(EngineNet net, String old) {
    for (String id : new String[] {"n1", "n2", "n3"}) {
      if (!id.equals(old) && net.get(id).role() == Role.LEADER) return id;
    }
    throw new AssertionError("no new leader");
  }
}
