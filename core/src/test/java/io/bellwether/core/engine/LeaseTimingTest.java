package io.bellwether.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

// Goal: the one rule that says whether a follower's promise covers a leader's lease, and the
// settings it reads, are exact.
// Method: LeaseTiming and RaftConfig alone, on hand-picked values around the boundary.
class LeaseTimingTest {

  /** 10 ticks of 50 ms: the arithmetic below is about these numbers, not the defaults. */
  private static final LeaseTiming TEN = new LeaseTiming(50_000, 10);

  @Test
  void aPromiseIsTheElectionTimeoutLessOneTick() {
    // The follower's timer may tick right after it heard from the leader.
    assertThat(TEN.promiseMicros()).isEqualTo(9 * 50_000);
    // The defaults: 8 ticks of 50 ms, sure for 350 ms.
    assertThat(RaftConfig.DEFAULT.leaseTiming()).isEqualTo(new LeaseTiming(50_000, 8));
    assertThat(RaftConfig.DEFAULT.leaseTiming().promiseMicros()).isEqualTo(7 * 50_000);
  }

  @Test
  void aFollowerCoversALeaderWhosePromiseIsNoLongerThanItsOwn() {
    assertThat(TEN.covers(TEN)).isTrue();
    assertThat(new LeaseTiming(50_000, 11).covers(TEN)).isTrue();
    assertThat(new LeaseTiming(90_000, 6).covers(TEN)).as("5 × 90 ms = 9 × 50 ms").isTrue();
    assertThat(new LeaseTiming(50_000, 9).covers(TEN)).isFalse();
    assertThat(new LeaseTiming(49_999, 10).covers(TEN)).isFalse();
    // Equal timeouts in time are not enough: 5 × 100 ms promises only 400 ms for sure.
    assertThat(new LeaseTiming(100_000, 5).covers(TEN)).isFalse();
    assertThat(TEN.covers(new LeaseTiming(100_000, 5))).isTrue();
  }

  @Test
  void hugeSettingsSaturateInsteadOfOverflowing() {
    LeaseTiming huge = new LeaseTiming(Long.MAX_VALUE, Integer.MAX_VALUE);
    assertThat(huge.promiseMicros()).isEqualTo(Long.MAX_VALUE);
    assertThat(huge.covers(TEN)).isTrue();
    assertThat(TEN.covers(huge)).isFalse();
  }

  @Test
  void settingsBelowOneMicrosecondOrTwoTicksAreRefused() {
    assertThatThrownBy(() -> new LeaseTiming(0, 10)).hasMessageContaining("tickMicros");
    assertThatThrownBy(() -> new LeaseTiming(1, 1)).hasMessageContaining("electionTimeoutTicks");
    assertThatThrownBy(() -> RaftConfig.DEFAULT.withTickMicros(0)).hasMessageContaining("tickMicros");
  }

  @Test
  void withTickMicrosChangesOnlyTheTick() {
    RaftConfig c = RaftConfig.DEFAULT.withElectionTimeoutTicks(20).withTickMicros(10_000);
    assertThat(c.tickMicros()).isEqualTo(10_000);
    assertThat(c.electionTimeoutTicks()).isEqualTo(20);
    assertThat(c.withPreVote(false).tickMicros()).as("other helpers keep the tick").isEqualTo(10_000);
    assertThat(c.leaseTiming()).isEqualTo(new LeaseTiming(10_000, 20));
    assertThat(RaftConfig.DEFAULT.tickMicros()).isEqualTo(50_000);
  }

  @Test
  void itNamesBothSettingsForLogLines() {
    assertThat(TEN).hasToString("tick 50ms, election timeout 10 ticks");
    assertThat(new LeaseTiming(1_500, 3)).hasToString("tick 1500us, election timeout 3 ticks");
  }
}
