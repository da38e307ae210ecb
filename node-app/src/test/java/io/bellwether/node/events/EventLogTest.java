package io.bellwether.node.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.bellwether.core.engine.ElectionCause;
import io.bellwether.core.engine.Role;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The event log's own promises: numbering, the retained window, atomic subscription, the stall threshold. */
class EventLogTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final EventLog log = new EventLog("n1", Clock.systemUTC(), 50, registry);

  @Test
  void eventsAreNumberedOneByOneAndOnlyTheNewestAreRetained() {
    for (int i = 0; i < EventLog.RETAINED + 10; i++) log.roleChanged(Role.FOLLOWER, i, "n2");
    assertThat(log.lastSeq()).isEqualTo(EventLog.RETAINED + 10);
    assertThat(log.oldestRetained()).isEqualTo(11);
    List<NodeEvent> all = log.subscribe(0, e -> {});
    assertThat(all).hasSize(EventLog.RETAINED);
    for (int i = 0; i < all.size(); i++) assertThat(all.get(i).seq()).isEqualTo(11 + i);
    assertThat(registry.counter("bellwether.events", "type", "role_changed").count()).isEqualTo(EventLog.RETAINED + 10);
  }

  @Test
  void aSubscriberGetsEachLaterEventOnceEitherReplayedOrHandedOver() {
    log.electionStarted(1, ElectionCause.STARTUP);
    log.leaderFound(1, "n1", null, TimeUnit.MILLISECONDS.toNanos(250), ElectionCause.STARTUP);
    List<NodeEvent> handed = new ArrayList<>();
    List<NodeEvent> replayed = log.subscribe(1, handed::add);
    log.steppedDown(1, io.bellwether.core.engine.StepDownReason.CHECK_QUORUM);
    assertThat(replayed).extracting(NodeEvent::type).containsExactly("leader_changed");
    assertThat(replayed.get(0).toJson().getLong("leaderlessMs")).isEqualTo(250);
    assertThat(replayed.get(0).toJson().getString("cause")).isEqualTo("startup");
    assertThat(handed).extracting(NodeEvent::type).containsExactly("stepped_down");
    assertThat(handed.get(0).logLine()).isEqualTo("type=stepped_down term=1 reason=check_quorum");
    log.unsubscribe(handed::add); // a different lambda object: still subscribed
    log.snapshotTaken(10, 100);
    assertThat(handed).hasSize(2);
  }

  @Test
  void onlyASyncAtTheThresholdOrSlowerIsAStall() {
    log.synced(TimeUnit.MILLISECONDS.toNanos(49), 3);
    assertThat(log.lastSeq()).isZero();
    log.synced(TimeUnit.MILLISECONDS.toNanos(50), 7);
    List<NodeEvent> got = log.subscribe(0, e -> {});
    assertThat(got).singleElement().satisfies(e -> {
      assertThat(e.type()).isEqualTo("sync_stall");
      assertThat(e.toJson().getLong("millis")).isEqualTo(50);
      assertThat(e.toJson().getInteger("entries")).isEqualTo(7);
    });
  }
}
