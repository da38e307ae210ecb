package io.bellwether.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bellwether.core.engine.ElectionCause;
import io.bellwether.core.engine.Role;
import io.bellwether.core.engine.StepDownReason;
import io.bellwether.core.inmem.InMemoryLogStore;
import io.bellwether.core.inmem.InMemoryNetwork;
import io.bellwether.core.kv.KvStateMachine;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a running node tells its observer about leadership: the election it started and why, the
 * leader it found and how long it had none (from its last word of the previous leader, not from
 * when it noticed), and why a leader stepped down. Three nodes on the in-memory network.
 */
class LeadershipReportsTest {

  private static final Duration TICK = Duration.ofMillis(10);
  private static final Duration DEADLINE = Duration.ofSeconds(10);
  private static final Set<String> VOTERS = Set.of("n1", "n2", "n3");

  private final InMemoryNetwork network = new InMemoryNetwork();
  private final Map<String, RaftNode> nodes = new HashMap<>();
  private final Map<String, Recorder> heard = new HashMap<>();

  /** What one node's observer heard, in order. */
  static final class Recorder implements NodeObserver {
    final List<String> elections = new CopyOnWriteArrayList<>();
    final List<long[]> gaps = new CopyOnWriteArrayList<>(); // {term, leaderlessNanos}
    final List<String> found = new CopyOnWriteArrayList<>();
    final List<String> stepDowns = new CopyOnWriteArrayList<>();

    @Override
    public void electionStarted(long term, ElectionCause cause) {
      elections.add(term + ":" + cause.label());
    }

    @Override
    public void leaderFound(long term, String leader, String previousLeader, long leaderlessNanos,
        ElectionCause cause) {
      gaps.add(new long[] {term, leaderlessNanos});
      found.add(term + ":" + leader + " after " + previousLeader + (cause == null ? "" : " " + cause.label()));
    }

    @Override
    public void steppedDown(long term, StepDownReason reason) {
      stepDowns.add(term + ":" + reason.label());
    }
  }

  @AfterEach
  void stop() {
    nodes.values().forEach(RaftNode::close);
    network.close();
  }

  private void startAll() {
    for (String id : VOTERS) {
      Recorder r = new Recorder();
      heard.put(id, r);
      nodes.put(id, RaftNode.builder().nodeId(id).voters(VOTERS).store(new InMemoryLogStore())
          .transport(network.transport(id)).stateMachine(new KvStateMachine()).tick(TICK).observer(r)
          .build().start());
    }
  }

  private String awaitLeader(Set<String> among) {
    String[] leader = new String[1];
    await().atMost(DEADLINE).until(() -> {
      for (String id : among) {
        if (nodes.get(id).status().role() == Role.LEADER) {
          leader[0] = id;
          return among.stream().allMatch(o -> leader[0].equals(nodes.get(o).status().leader()));
        }
      }
      return false;
    });
    return leader[0];
  }

  @Test
  void aNewClusterElectsForStartupAndEveryMemberMeasuresItsGapFromItsStart() {
    startAll();
    String leader = awaitLeader(VOTERS);
    Recorder winner = heard.get(leader);
    await().atMost(DEADLINE).until(() -> VOTERS.stream().allMatch(id -> !heard.get(id).found.isEmpty()));
    assertThat(winner.elections).last().asString().endsWith(":startup");
    assertThat(winner.found).last().asString().endsWith(leader + " after null startup");
    for (String id : VOTERS) {
      if (id.equals(leader)) continue;
      assertThat(heard.get(id).found).last().asString().contains(":" + leader + " after null")
          .doesNotContain("startup"); // a follower does not know why the winner campaigned
    }
  }

  @Test
  void afterTheLeaderStopsTheNewLeaderReportsItsCauseAndAGapFromTheOldLeadersLastMessage() {
    startAll();
    String old = awaitLeader(VOTERS);
    Set<String> survivors = new java.util.HashSet<>(VOTERS);
    survivors.remove(old);
    int before = heard.get(survivors.iterator().next()).found.size();
    nodes.remove(old).close();
    String next = awaitLeader(survivors);
    Recorder winner = heard.get(next);
    await().atMost(DEADLINE).until(() -> survivors.stream().allMatch(id -> heard.get(id).found.size() > before));
    assertThat(winner.elections).last().asString().matches("\\d+:(leader_silent|leader_connection_lost)");
    assertThat(winner.found).last().asString().contains(next + " after " + old);
    long minTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(TICK.toMillis()) * 10; // RaftConfig.DEFAULT: T = 10 ticks
    for (String id : survivors) {
      long gap = heard.get(id).gaps.get(heard.get(id).gaps.size() - 1)[1];
      // At least the election timeout the survivors waited since the leader's last message: a gap
      // counted from when a member noticed (its timeout) would be only the election's few ticks.
      assertThat(gap).as("%s's leaderless gap", id).isGreaterThanOrEqualTo(minTimeoutNanos - TimeUnit.MILLISECONDS.toNanos(3 * TICK.toMillis()))
          .isLessThan(TimeUnit.SECONDS.toNanos(5));
    }
  }

  @Test
  void aTransferIsReportedAsSuchByBothSides() throws Exception {
    startAll();
    String old = awaitLeader(VOTERS);
    String target = VOTERS.stream().filter(id -> !id.equals(old)).sorted().findFirst().orElseThrow();
    nodes.get(old).transferLeadership(target).get(10, TimeUnit.SECONDS);
    assertThat(awaitLeader(VOTERS)).isEqualTo(target);
    await().atMost(DEADLINE).until(() -> !heard.get(old).stepDowns.isEmpty());
    assertThat(heard.get(target).elections).last().asString().endsWith(":transfer");
    assertThat(heard.get(old).stepDowns).last().asString().endsWith(":higher_term");
    await().atMost(DEADLINE).until(() -> heard.get(target).found.stream().anyMatch(f -> f.endsWith(" transfer")));
  }
}
