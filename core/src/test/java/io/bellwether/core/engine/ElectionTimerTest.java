package io.bellwether.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

// Goal: the election timer starts elections when §5.2 says, the crash hint staggers survivors by
// rank and is undone by the leader's next message, and the vote promise runs from the last leader
// contact (and a restart) alone, whatever else resets the timer.
// Method: an ElectionTimer alone, fed ticks and events; T = 10.
class ElectionTimerTest {

  private static final int T = 10;
  private static final List<String> VOTERS = List.of("a", "b", "c", "d");

  private static ElectionTimer timer(long seed, boolean history) {
    return new ElectionTimer(T, new SplittableRandom(seed), history);
  }

  /** Ticks until the timer runs out; returns how many ticks that took. */
  private static int ticksUntilTimeout(ElectionTimer t) {
    for (int i = 1; i <= 4 * T; i++) if (t.tick()) return i;
    throw new AssertionError("never timed out");
  }

  @Test
  void timesOutAtItsRandomDrawWhichIsBetweenTAndTwiceT() {
    for (long seed = 1; seed <= 50; seed++) {
      ElectionTimer t = timer(seed, false);
      int drawn = t.timeout();
      assertThat(drawn).isBetween(T, 2 * T - 1);
      assertThat(ticksUntilTimeout(t)).as("seed %d", seed).isEqualTo(drawn);
    }
  }

  @Test
  void resetStartsOverWithAFreshDraw() {
    ElectionTimer t = timer(3, false);
    for (int i = 0; i < T - 1; i++) assertThat(t.tick()).isFalse();
    t.reset();
    assertThat(t.elapsed()).isZero();
    assertThat(ticksUntilTimeout(t)).isEqualTo(t.timeout());
  }

  @Test
  void hearingFromTheLeaderStartsTheCountOver() {
    ElectionTimer t = timer(5, false);
    for (int i = 0; i < T - 1; i++) t.tick();
    t.heardFromLeader(T - 1);
    assertThat(t.elapsed()).isZero();
    assertThat(ticksUntilTimeout(t)).isEqualTo(t.timeout());
  }

  @Test
  void aLeaderUnreachableHintStaggersTheSurvivorsByRank() {
    // Leader b is gone; the survivors a, c, d (by id) ask after T, T + T/2 and T + 2T/2.
    assertThat(hinted("a", "b").timeout()).isEqualTo(T);
    assertThat(hinted("c", "b").timeout()).isEqualTo(T + T / 2);
    assertThat(hinted("d", "b").timeout()).isEqualTo(T + 2 * (T / 2));
    // The leader's own place does not count: with a gone, b is first.
    assertThat(hinted("b", "a").timeout()).isEqualTo(T);
  }

  private static ElectionTimer hinted(String self, String leader) {
    ElectionTimer t = timer(7, false);
    t.leaderUnreachable(VOTERS, self, leader);
    return t;
  }

  @Test
  void aFalseAlarmIsForgottenAtTheLeadersNextMessage() {
    ElectionTimer t = timer(11, false);
    int drawn = t.timeout();
    t.leaderUnreachable(VOTERS, "d", "a");
    t.leaderUnreachable(VOTERS, "d", "a"); // a second hint keeps the first draw to restore
    assertThat(t.timeout()).isEqualTo(T + 2 * (T / 2));
    t.heardFromLeader(1);
    assertThat(t.timeout()).isEqualTo(drawn);
  }

  @Test
  void resetForgetsTheHintAndDrawsAgain() {
    ElectionTimer t = timer(13, false);
    t.leaderUnreachable(VOTERS, "a", "b");
    t.reset();
    t.heardFromLeader(1); // no hint left to undo: the fresh draw stays
    assertThat(t.timeout()).isBetween(T, 2 * T - 1);
  }

  @Test
  void aNewNodeMakesNoPromiseUntilItHearsALeader() {
    ElectionTimer t = timer(17, false);
    assertThat(t.inStartupQuiet(0)).isFalse();
    assertThat(t.heardLeaderWithinTimeout(0)).isFalse();
  }

  @Test
  void aRestartedNodeIsQuietForOneMinimumTimeout() {
    ElectionTimer t = timer(19, true);
    assertThat(t.inStartupQuiet(0)).isTrue();
    assertThat(t.inStartupQuiet(T - 1)).isTrue();
    assertThat(t.inStartupQuiet(T)).isFalse();
  }

  @Test
  void thePromiseLastsTTicksFromTheLastLeaderContactWhateverResetsTheTimer() {
    ElectionTimer t = timer(23, false);
    t.heardFromLeader(100);
    t.reset(); // a granted vote or a role change resets the timer, but must not end the promise
    t.holdWhileLeading();
    assertThat(t.heardLeaderWithinTimeout(100)).isTrue();
    assertThat(t.heardLeaderWithinTimeout(100 + T - 1)).isTrue();
    assertThat(t.heardLeaderWithinTimeout(100 + T)).isFalse();
  }

  @Test
  void aLeadersTimerStaysAtZeroAndDrawsNothing() {
    // Drawing would shift every later timeout of a seeded simulation: the leader only holds.
    ElectionTimer leading = timer(29, false);
    ElectionTimer twin = timer(29, false);
    for (int i = 0; i < T - 1; i++) leading.tick();
    leading.holdWhileLeading();
    assertThat(leading.elapsed()).isZero();
    leading.reset();
    twin.reset();
    assertThat(leading.timeout()).isEqualTo(twin.timeout());
  }
}
