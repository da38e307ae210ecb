package io.bellwether.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.bellwether.core.LogEntry;
import io.bellwether.core.Membership;
import io.bellwether.core.message.HeartbeatResponse;
import io.bellwether.core.message.ReadIndexResponse;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

// Goal: a leader answers a linearizable read only once a majority acknowledged a heartbeat round sent
// after the read arrived, or at once while a lease backed by covering promises holds; a read that
// arrives before the leader committed in its term waits; stepping down fails what waits.
// Method: one ReadConfirmation for leader n1 of {n1, n2, n3} in term 2 (lease: 7 ticks); the test
// plays the followers' heartbeat answers and the clock.
class ReadConfirmationTest {

  /** Pinned, not the defaults: the scenarios count ticks of a 10-tick election timeout and a heartbeat every 2. */
  private static final RaftConfig CONFIG = RaftConfig.DEFAULT.withElectionTimeoutTicks(10).withHeartbeatIntervalTicks(2);
  private static final List<String> VOTERS = List.of("n1", "n2", "n3");

  private final RaftLog log = new RaftLog(0, 0, Membership.ofVoters(VOTERS),
      List.of(LogEntry.command(1, 1, new byte[0]), LogEntry.noop(2, 2)));
  private final Effects effects = new Effects();
  private long now;
  private final ReadConfirmation reads = new ReadConfirmation("n1", 2,
      CONFIG, Set.of(), log, effects, () -> now);

  private static HeartbeatResponse ack(String from, long readSeq, boolean covers) {
    return new HeartbeatResponse(from, "n1", 2, readSeq, 2, covers);
  }

  @Test
  void aReadWaitsUntilTheLeaderCommitsAnEntryOfItsTerm() {
    log.commitTo(1); // a term-1 entry: the commit index may still lag
    reads.read(7, null);
    assertThat(reads.roundNeeded()).isFalse();
    reads.committed();
    assertThat(reads.roundNeeded()).as("still not of term 2").isFalse();
    log.commitTo(2);
    reads.committed();
    assertThat(reads.roundNeeded()).isTrue();
    long seq = reads.startRound();
    reads.heartbeatAnswered(ack("n2", seq, true));
    assertThat(effects.takeReadStates()).containsExactly(new ReadState(7, 2));
  }

  @Test
  void aReadIsConfirmedOnlyByARoundSentAfterItArrived() {
    log.commitTo(2);
    reads.read(7, null);
    long first = reads.startRound();
    reads.read(8, null); // arrives after the first round left
    reads.heartbeatAnswered(ack("n2", first, true));
    assertThat(effects.takeReadStates()).containsExactly(new ReadState(7, 2));
    reads.heartbeatAnswered(ack("n3", first, true));
    assertThat(effects.takeReadStates()).as("the first round proves nothing for read 8").isEmpty();
    long second = reads.startRound();
    reads.heartbeatAnswered(ack("n3", second, true));
    assertThat(effects.takeReadStates()).containsExactly(new ReadState(8, 2));
  }

  @Test
  void aFollowersReadIsAnsweredByMessage() {
    log.commitTo(2);
    reads.read(9, "n3");
    reads.heartbeatAnswered(ack("n2", reads.startRound(), true));
    assertThat(effects.takeMessages())
        .containsExactly(new ReadIndexResponse("n1", "n3", 2, 9, true, 2));
  }

  @Test
  void theLeaseRunsFromWhenTheAcknowledgedRoundWasSent() {
    log.commitTo(2);
    now = 10;
    long seq = reads.startRound();
    now = 13;
    assertThat(reads.servesLeaseReads()).isFalse();
    reads.heartbeatAnswered(ack("n2", seq, true));
    assertThat(reads.servesLeaseReads()).isTrue();
    reads.leaseRead(5);
    assertThat(effects.takeReadStates()).as("at once, no round").containsExactly(new ReadState(5, 2));
    now = 16; // 10 + floor(0.8 × 9) - 1
    assertThat(reads.servesLeaseReads()).isTrue();
    now = 17;
    assertThat(reads.servesLeaseReads()).isFalse();
    reads.leaseRead(6);
    assertThat(effects.takeReadStates()).as("falls back to ReadIndex").isEmpty();
    assertThat(reads.roundNeeded()).isTrue();
  }

  @Test
  void anAcknowledgementWhosePromiseFallsShortConfirmsReadsButNotTheLease() {
    log.commitTo(2);
    reads.read(7, null);
    long seq = reads.startRound();
    reads.heartbeatAnswered(ack("n2", seq, false));
    assertThat(effects.takeReadStates()).containsExactly(new ReadState(7, 2));
    assertThat(reads.servesLeaseReads()).isFalse();
    assertThat(reads.followersShortOfLease()).containsExactly("n2");
    reads.heartbeatAnswered(ack("n2", reads.startRound(), true));
    assertThat(reads.followersShortOfLease()).isEmpty();
  }

  @Test
  void anAnswerToAnOlderTermsHeartbeatJudgesNoTiming() {
    reads.heartbeatAnswered(ack("n2", 0, false));
    assertThat(reads.followersShortOfLease()).isEmpty();
  }

  @Test
  void steppingDownFailsLocalReadsAndRefusesForwardedOnes() {
    log.commitTo(1);
    reads.read(1, null); // parked
    log.commitTo(2);
    reads.read(2, "n3"); // waiting for a round
    reads.stepDown();
    assertThat(effects.takeFailedReads())
        .containsExactly(new FailedRead(1, FailedRead.Cause.LEADERSHIP_LOST));
    assertThat(effects.takeMessages())
        .containsExactly(new ReadIndexResponse("n1", "n3", 2, 2, false, 0));
  }
}
