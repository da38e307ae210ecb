package io.bellwether.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

// Goal: the one rule that says whether a follower's promise covers a leader's lease, and the
// settings it reads, are exact.
// Method: LeaseTiming and RaftConfig alone, on hand-picked values around the boundary.
class LeaseTimingTest {

  private static final LeaseTiming DEFAULT = RaftConfig.DEFAULT.leaseTiming();

  @Test
  void aPromiseIsTheElectionTimeoutLessOneTick() {
    // The follower's timer may tick right after it heard from the leader.
    assertThat(DEFAULT).isEqualTo(new LeaseTiming(50_000, 10));
    assertThat(DEFAULT.promiseMicros()).isEqualTo(9 * 50_000);
  }

  @Test
  void aFollowerCoversALeaderWhosePromiseIsNoLongerThanItsOwn() {
    assertThat(DEFAULT.covers(DEFAULT)).isTrue();
    assertThat(new LeaseTiming(50_000, 11).covers(DEFAULT)).isTrue();
    assertThat(new LeaseTiming(90_000, 6).covers(DEFAULT)).as("5 × 90 ms = 9 × 50 ms").isTrue();
    assertThat(new LeaseTiming(50_000, 9).covers(DEFAULT)).isFalse();
    assertThat(new LeaseTiming(49_999, 10).covers(DEFAULT)).isFalse();
    // Equal timeouts in time are not enough: 5 × 100 ms promises only 400 ms for sure.
    assertThat(new LeaseTiming(100_000, 5).covers(DEFAULT)).isFalse();
    assertThat(DEFAULT.covers(new LeaseTiming(100_000, 5))).isTrue();
  }

  @Test
  void hugeSettingsSaturateInsteadOfOverflowing() {
    LeaseTiming huge = new LeaseTiming(Long.MAX_VALUE, Integer.MAX_VALUE);
    assertThat(huge.promiseMicros()).isEqualTo(Long.MAX_VALUE);
    assertThat(huge.covers(DEFAULT)).isTrue();
    assertThat(DEFAULT.covers(huge)).isFalse();
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
    assertThat(DEFAULT).hasToString("tick 50ms, election timeout 10 ticks");
    assertThat(new LeaseTiming(1_500, 3)).hasToString("tick 1500us, election timeout 3 ticks");
  }
}
