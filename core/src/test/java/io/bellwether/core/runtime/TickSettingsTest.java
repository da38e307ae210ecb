package io.bellwether.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bellwether.core.engine.RaftConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

// Goal: the tick a node runs and the tick its engine announces to peers are always the same one:
// either follows the other when only one is given, the default when neither is, and a disagreement
// is refused naming both. Method: TickSettings.resolve with each combination.
class TickSettingsTest {

  @Test
  void neitherGivenIsTheDefaultFiftyMilliseconds() {
    // Before TickSettings, this case left the tick unset and build() failed with a
    // NullPointerException, although the Builder's Javadoc promised 50 ms.
    TickSettings s = TickSettings.resolve(null, null);
    assertThat(s.tick()).isEqualTo(Duration.ofMillis(50));
    assertThat(s.raftConfig()).isEqualTo(RaftConfig.DEFAULT);
  }

  @Test
  void aTickAloneBecomesTheEnginesTick() {
    TickSettings s = TickSettings.resolve(Duration.ofMillis(10), null);
    assertThat(s.tick()).isEqualTo(Duration.ofMillis(10));
    assertThat(s.raftConfig()).isEqualTo(RaftConfig.DEFAULT.withTickMicros(10_000));
  }

  @Test
  void engineSettingsAloneSetTheTick() {
    RaftConfig config = RaftConfig.DEFAULT.withTickMicros(2_500);
    TickSettings s = TickSettings.resolve(null, config);
    assertThat(s.tick()).isEqualTo(Duration.ofNanos(2_500_000));
    assertThat(s.raftConfig()).isSameAs(config);
  }

  @Test
  void bothGivenMustAgree() {
    RaftConfig config = RaftConfig.DEFAULT.withTickMicros(10_000);
    assertThat(TickSettings.resolve(Duration.ofMillis(10), config).raftConfig()).isSameAs(config);
    assertThatThrownBy(() -> TickSettings.resolve(Duration.ofMillis(20), config))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("20000us (Builder.tick)")
        .hasMessageContaining("RaftConfig.tickMicros 10000us disagree");
  }

  @Test
  void aTickMustBeAPositiveWholeNumberOfMicroseconds() {
    assertThatThrownBy(() -> TickSettings.resolve(Duration.ZERO, null))
        .hasMessageContaining("tick must be positive");
    assertThatThrownBy(() -> TickSettings.resolve(Duration.ofNanos(10_000_500), null))
        .hasMessageContaining("whole number of microseconds");
  }
}
