package io.bellwether.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.bellwether.core.HardState;
import io.bellwether.core.engine.RaftConfig;
import io.bellwether.core.engine.RaftEngine;
import io.bellwether.core.engine.Role;
import io.bellwether.core.inmem.InMemoryLogStore;
import io.bellwether.core.inmem.InMemoryNetwork;
import io.bellwether.core.kv.KvStateMachine;
import io.bellwether.core.message.Heartbeat;
import io.bellwether.core.message.HeartbeatResponse;
import io.bellwether.core.message.RequestVote;
import io.bellwether.core.message.RequestVoteResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

// Goal: the tick length and election timeout are per-node settings that lease reads depend on; a
// node refuses to run with a tick its engine does not know, and a mismatch between nodes is
// reported clearly (both values named), once rather than on every heartbeat.
// Method: RaftNode.Builder alone for the refusals; a NodeDriver driven by hand (no threads), fed
// heartbeats and their answers, with the driver's log captured.
class LeaseTimingMismatchTest {

  /** Pinned, not the defaults: the heartbeats below carry a 10-tick election timeout of 50 ms ticks. */
  private static final RaftConfig TIMING = RaftConfig.DEFAULT.withElectionTimeoutTicks(10).withHeartbeatIntervalTicks(2);

  private static final Set<String> THREE = Set.of("n1", "n2", "n3");

  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private final Logger driverLogger = (Logger) LoggerFactory.getLogger(NodeDriver.class);

  @BeforeEach
  void captureLog() {
    log.start();
    driverLogger.addAppender(log);
  }

  @AfterEach
  void releaseLog() {
    driverLogger.detachAppender(log);
  }

  private List<String> warnings() {
    synchronized (log.list) {
      return log.list.stream()
          .filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
          .map(ILoggingEvent::getFormattedMessage)
          .toList();
    }
  }

  // --- RaftNode.Builder ------------------------------------------------------------------------

  private static RaftNode.Builder builder(InMemoryNetwork network) {
    return RaftNode.builder()
        .nodeId("n1")
        .voters(Set.of("n1"))
        .store(new InMemoryLogStore())
        .transport(network.transport("n1"))
        .stateMachine(new KvStateMachine());
  }

  @Test
  void aTickThatDisagreesWithTheRaftConfigIsRefusedNamingBoth() {
    try (InMemoryNetwork network = new InMemoryNetwork()) {
      RaftNode.Builder b = builder(network).raftConfig(TIMING).tick(Duration.ofMillis(10));

      assertThatThrownBy(b::build)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("tick 10000us")
          .hasMessageContaining("RaftConfig.tickMicros 50000us");
    }
  }

  @Test
  void aTickThatIsNotAWholeNumberOfMicrosecondsIsRefused() {
    try (InMemoryNetwork network = new InMemoryNetwork()) {
      RaftNode.Builder b = builder(network).tick(Duration.ofNanos(10_000_500));

      assertThatThrownBy(b::build).hasMessageContaining("whole number of microseconds");
    }
  }

  @Test
  void aTickOrARaftConfigAloneSetsBoth() {
    try (InMemoryNetwork network = new InMemoryNetwork()) {
      // Either alone is accepted (the other follows it); both, when they agree, too.
      builder(network).tick(Duration.ofMillis(10)).build().close();
      builder(network).raftConfig(TIMING.withTickMicros(10_000)).build().close();
      builder(network).raftConfig(TIMING.withTickMicros(10_000))
          .tick(Duration.ofMillis(10)).build().close();
    }
  }

  // --- the follower's side -------------------------------------------------------------------------

  private static NodeDriver driver(String id, RaftConfig config, Wire out) {
    RaftEngine engine = new RaftEngine(
        id, THREE, config, new SplittableRandom(1), HardState.INITIAL, null, List.of());
    return new NodeDriver(engine, new InMemoryLogStore(), out, new KvStateMachine(), 0, 100, 100);
  }

  private static Heartbeat heartbeat(long seq, long tickMicros, int electionTicks) {
    return new Heartbeat("n1", "n2", 1, 0, seq, tickMicros, electionTicks);
  }

  @Test
  void aFollowerWhosePromiseIsShorterWarnsOnceNamingBothTimings() {
    Wire out = new Wire();
    NodeDriver follower = driver("n2", TIMING.withElectionTimeoutTicks(5), out);

    for (int seq = 1; seq <= 5; seq++) {
      follower.receive(heartbeat(seq, 50_000, 10));
      follower.flush();
    }

    assertThat(out.sent).hasSize(5).allSatisfy(m -> assertThat(m)
        .isInstanceOfSatisfying(HeartbeatResponse.class, r -> assertThat(r.promiseCoversLease()).isFalse()));
    assertThat(warnings()).as("once, not per heartbeat").singleElement().asString()
        .contains("leader n1 runs with tick 50ms, election timeout 10 ticks")
        .contains("this node with tick 50ms, election timeout 5 ticks")
        .contains("200000us")
        .contains("450000us")
        .contains("fall back to ReadIndex");
  }

  @Test
  void aLeaderThatChangesItsTimingIsReportedAgain() {
    Wire out = new Wire();
    NodeDriver follower = driver("n2", TIMING, out);

    follower.receive(heartbeat(1, 50_000, 10));
    follower.flush();
    assertThat(warnings()).as("same timing: nothing to say").isEmpty();
    follower.receive(heartbeat(2, 50_000, 20)); // the leader restarted with a longer timeout
    follower.flush();
    follower.receive(heartbeat(3, 50_000, 20));
    follower.flush();
    follower.receive(heartbeat(4, 10_000, 20));
    follower.flush();

    assertThat(warnings()).hasSize(2);
    assertThat(warnings().get(0)).contains("tick 50ms, election timeout 20 ticks").contains("do not count");
    assertThat(warnings().get(1)).contains("tick 10ms, election timeout 20 ticks")
        .contains("Lease reads stay safe");
  }

  // --- the leader's side ---------------------------------------------------------------------------

  /** n1, elected leader of three by hand. */
  private static NodeDriver leader(Wire out) {
    NodeDriver d = driver("n1", TIMING, out);
    RaftEngine engine = d.engine();
    while (engine.role() == Role.FOLLOWER) d.tick();
    d.receive(new RequestVoteResponse("n2", "n1", engine.term() + 1, true, true)); // pre-vote
    d.receive(new RequestVoteResponse("n2", "n1", engine.term(), true, false));
    d.flush();
    assertThat(engine.role()).isEqualTo(Role.LEADER);
    out.sent.clear();
    return d;
  }

  @Test
  void aLeaderWarnsOncePerFollowerWhoseAnswersDoNotBackItsLease() {
    Wire out = new Wire();
    NodeDriver leader = leader(out);
    long term = leader.engine().term();

    for (int seq = 1; seq <= 6; seq++) {
      leader.receive(new HeartbeatResponse("n2", "n1", term, seq, 0, true));
      // n3 restarts between rounds with other settings, back and forth: still one line per leadership.
      leader.receive(new HeartbeatResponse("n3", "n1", term, seq, 0, seq % 2 == 0));
      leader.flush();
    }
    leader.receive(new HeartbeatResponse("n3", "n1", term, 7, 0, false));
    leader.flush();

    assertThat(leader.engine().followersShortOfLease()).containsExactly("n3");
    assertThat(leader.status(true, null).followersShortOfLease()).containsExactly("n3");
    assertThat(warnings()).singleElement().asString()
        .contains("follower n3")
        .contains("tick 50ms, election timeout 10 ticks")
        .contains("fall back to ReadIndex");
  }

  @Test
  void heartbeatsCarryTheLeadersOwnTiming() {
    Wire out = new Wire();
    NodeDriver leader = leader(out);
    for (int i = 0; i < TIMING.heartbeatIntervalTicks(); i++) leader.tick();
    leader.flush();

    assertThat(out.sent).filteredOn(Heartbeat.class::isInstance).isNotEmpty()
        .allSatisfy(m -> {
          Heartbeat hb = (Heartbeat) m;
          assertThat(hb.tickMicros()).isEqualTo(50_000);
          assertThat(hb.electionTimeoutTicks()).isEqualTo(10);
        });
    assertThat(out.sent).noneMatch(RequestVote.class::isInstance);
  }
}
