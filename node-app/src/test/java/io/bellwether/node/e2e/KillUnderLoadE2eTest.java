package io.bellwether.node.e2e;

// Goal: kill -9 of one node at a time under a steady stream of new keys (the leader, a follower, a node
// with a snapshot due or being written), each restarted on its own data directory, loses no acknowledged
// write, leaves every replica with the same state, and every restart opens its data directory.
// Method: 3 node processes (kv.state=mapdb) snapshotting every 200 entries, 3 writers of distinct keys;
// seeded rounds of kill and restart for about 40 s; then the writers stop, the nodes converge, and each
// node's data and state hash are checked against the others and against what the writers were told.

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bellwether.testkit.lin.Op;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

@ParameterizedClass(name = "{0}")
@MethodSource("stateMachines")
class KillUnderLoadE2eTest extends E2eScenario {

  /** A key-value state machine to prove, as the node settings that choose it. */
  record StateMachine(String name, Map<String, String> settings) {
    @Override
    public String toString() {
      return name;
    }
  }

  /**
   * Every key-value state this test runs against, one line each, each a full run of about a minute.
   * The state on disk ({@code kv.state=mapdb}, the nodes' default with a data directory) is the one
   * a kill can damage; the state in the heap is one more line, {@code new StateMachine("memory",
   * Map.of("kv.state", "memory"))}, left out to keep the suite's time.
   */
  static List<StateMachine> stateMachines() {
    return List.of(new StateMachine("mapdb", Map.of("kv.state", "mapdb")));
  }

  static final int SNAPSHOT_ENTRIES = 200;
  /**
   * This test's node settings, over {@link E2eCluster}'s common ones (a later {@code --set} wins), the
   * state machine's on top. A snapshot every 200 entries is one every second or so at the writers'
   * pace, so kills land around and inside snapshots, and restarted nodes restore and install them.
   */
  static final Map<String, String> SETTINGS = Map.of("snapshot.entries", Integer.toString(SNAPSHOT_ENTRIES));
  private static final int WRITERS = 3;
  /** How long the rounds of kills go on (times the soak factor); with start-up and checks, about a minute. */
  private static final Duration FAULTS_FOR = Duration.ofSeconds(42);
  private static final Duration READY_WITHIN = Duration.ofSeconds(30);
  /** How long a kill of the IN_SNAPSHOT kind waits for its node to have a snapshot due or being written. */
  private static final Duration SNAPSHOT_WAIT = Duration.ofSeconds(5);

  enum Kill { LEADER, FOLLOWER, IN_SNAPSHOT }

  @Parameter
  StateMachine stateMachine;

  private DistinctKeyWriters writers;
  private final Map<Kill, Integer> kills = new EnumMap<>(Kill.class);
  private int killsInSnapshot;
  private String snapshotNote = "";
  /** The latest status of the node an IN_SNAPSHOT kill waits on. */
  private JsonObject lastPolled;
  /** Restarts whose store found a snapshot file the kill left unfinished or not yet switched to. */
  private int interruptedSnapshots;
  private final List<Long> readyMillis = new ArrayList<>();
  private long snapshotsTaken;
  private long snapshotsInstalled;

  @AfterEach
  void stopWriters() {
    if (writers != null) writers.close();
  }

  @Override
  protected Map<String, String> nodeSettings() {
    Map<String, String> all = new LinkedHashMap<>(SETTINGS);
    all.putAll(stateMachine.settings());
    return all;
  }

  @Override
  protected String variant() {
    return "[" + stateMachine.name() + "]";
  }

  @Test
  void killingNodesUnderLoadLosesNoAcknowledgedWriteAndLeavesEqualReplicas() throws Exception {
    long start = System.nanoTime();
    writers = new DistinctKeyWriters(cluster.urls(), history, WRITERS, random.nextLong());
    List<Kill> order = new ArrayList<>(List.of(Kill.values()));
    for (int i = order.size() - 1; i > 0; i--) order.add(i, order.remove(random.nextInt(i + 1))); // seeded shuffle
    long budgetNanos = FAULTS_FOR.multipliedBy(rounds(1)).toNanos();
    int round = 0;
    // At least one round of each kind, then as many as fit in the budget.
    while (round < order.size() || System.nanoTime() - start < budgetNanos) {
      holdRandom(800, 2000);
      Kill kind = order.get(round % order.size());
      String target = target(kind);
      // Its snapshot counts end with it. An IN_SNAPSHOT target is killed at once, with the counts
      // of the status that showed its snapshot due: that one is written for only milliseconds.
      if (kind == Kill.IN_SNAPSHOT) addSnapshotCounts(lastPolled);
      else cluster.status(target).ifPresent(this::addSnapshotCounts);
      cluster.kill(target);
      cluster.log("round " + round + ": killed " + target + " as " + kind + (kind == Kill.IN_SNAPSHOT ? snapshotNote : ""));
      kills.merge(kind, 1, Integer::sum);
      holdRandom(200, 1200);
      restartAndAwaitReady(target, round);
      round++;
    }
    writers.close();
    cluster.log("writers stopped after " + round + " rounds: " + writers.counts());
    checkReplicas();
    for (String id : E2eCluster.IDS) cluster.status(id).ifPresent(this::addSnapshotCounts);
    System.out.printf("e2e %s: %d rounds in %.1f s, kills %s (%d seen with a snapshot due or being written, %d "
            + "restarts dropped a snapshot the kill cut short), restart to ready %s ms, writes %s, snapshots taken %d "
            + "and installed %d%n",
        variant(), round, (System.nanoTime() - start) / 1e9, kills, killsInSnapshot, interruptedSnapshots, readyMillis,
        writers.counts(), snapshotsTaken, snapshotsInstalled);
    assertThat(snapshotsTaken).as("snapshots were taken while the nodes ran (snapshot.entries=%d)", SNAPSHOT_ENTRIES)
        .isPositive();
  }

  private String target(Kill kind) {
    String leader = cluster.awaitLeader(LEADER_WITHIN);
    return switch (kind) {
      case LEADER -> leader;
      case FOLLOWER -> {
        List<String> followers = E2eCluster.IDS.stream().filter(id -> !id.equals(leader)).toList();
        yield followers.get(random.nextInt(followers.size()));
      }
      case IN_SNAPSHOT -> awaitSnapshotDue(E2eCluster.IDS.get(random.nextInt(E2eCluster.IDS.size())));
    };
  }

  /**
   * Polls {@code id} until it has applied {@link #SNAPSHOT_ENTRIES} past its last snapshot: from then
   * until the node switches to the new snapshot, one is being captured or written (the writer thread
   * writes its file while the node goes on). Returns {@code id} either way; counts it when caught.
   */
  private String awaitSnapshotDue(String id) {
    lastPolled = null;
    long[] seen = new long[2];
    try {
      await("a snapshot due on " + id).atMost(SNAPSHOT_WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5))
          .until(() -> {
            Optional<JsonObject> s = cluster.status(id);
            if (s.isEmpty()) return false;
            lastPolled = s.get();
            seen[0] = s.get().getLong("appliedIndex");
            seen[1] = s.get().getJsonObject("snapshot").getLong("index");
            return seen[0] - seen[1] >= SNAPSHOT_ENTRIES;
          });
      killsInSnapshot++;
      snapshotNote = " (a snapshot due or being written: applied " + seen[0] + ", last snapshot " + seen[1] + ")";
    } catch (ConditionTimeoutException e) {
      snapshotNote = " (no snapshot due within " + SNAPSHOT_WAIT.toSeconds() + " s: killed anyway)";
    }
    return id;
  }

  /** Adds the snapshots a node took and installed since it last started, from its {@code status}. */
  private void addSnapshotCounts(JsonObject status) {
    if (status == null) return;
    snapshotsTaken += status.getJsonObject("snapshot").getLong("taken");
    snapshotsInstalled += status.getJsonObject("snapshot").getLong("installed");
  }

  /** (c): the node starts on its data directory and becomes ready (knows a leader, applied what it knows committed). */
  private void restartAndAwaitReady(String id, int round) throws IOException {
    long t0 = System.nanoTime();
    try {
      cluster.restart(id);
      await(id + " ready").atMost(READY_WITHIN).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
          .until(() -> ready(id));
    } catch (AssertionError | ConditionTimeoutException e) {
      throw new AssertionError("(c) seed=" + seed + ": restart of " + id + " in round " + round
          + " did not open its data directory and become ready: " + e.getMessage() + "\n--- its output:\n"
          + tail(cluster.node(id).outputOfLastRun()), e);
    }
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    readyMillis.add(ms);
    // What MapDbLogStore says at open about a snapshot file the WAL never switched to: the kill came
    // while that snapshot was written, or before the node switched to it. Counted for the report only.
    boolean interrupted = cluster.node(id).outputOfLastRun().contains("the WAL does not name it");
    if (interrupted) interruptedSnapshots++;
    cluster.log(id + " ready " + ms + " ms after its restart" + (interrupted ? ", after dropping a snapshot the kill cut short" : ""));
  }

  private boolean ready(String id) throws IOException, InterruptedException {
    if (!cluster.node(id).isAlive()) throw new AssertionError(id + " exited");
    return send(E2eHttp.request(cluster.node(id).url() + "/health/ready").GET()).statusCode() == 200;
  }

  private static String tail(String output) {
    List<String> lines = output.lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }

  /** After the writers stopped: (b) equal state hashes, (a) the acknowledged writes on every node, (c) no error logged. */
  private void checkReplicas() throws Exception {
    Map<String, DistinctKeyWriters.Write> writes = writers.writes();
    long lastAcked = writes.values().stream().filter(w -> w.outcome() == Op.Type.OK)
        .mapToLong(DistinctKeyWriters.Write::version).max().orElse(0);
    String leader = cluster.awaitLeader(LEADER_WITHIN);
    cluster.awaitConvergence(lastAcked, CONVERGE_WITHIN);

    // (b) Every node's state hash, at one applied index.
    List<JsonObject> hashes = ReplicaReads.stateHashesAtOneIndex(cluster.urls(), CONVERGE_WITHIN);
    cluster.log("state hashes " + hashes);
    assertThat(hashes).extracting(h -> h.getString("hash")).as("(b) seed=%d: state hashes at one applied index %s",
        seed, hashes).containsOnly(hashes.get(0).getString("hash"));
    long applied = hashes.get(0).getLong("appliedIndex");

    // (a) Linearizably, through the leader, then each node from its own state.
    ReplicaReads.Scan linearizable = ReplicaReads.scan(cluster.node(leader).url(), DistinctKeyWriters.PREFIX,
        "linearizable");
    assertMatchesWrites(linearizable.entries(), writes, "linearizable scan on " + leader);
    for (String id : E2eCluster.IDS) {
      ReplicaReads.Scan own = ReplicaReads.scan(cluster.node(id).url(), DistinctKeyWriters.PREFIX, "stale");
      assertThat(own.pageAppliedIndexes()).as("stale scan of %s served from the converged state", id)
          .allSatisfy(index -> assertThat(index).isGreaterThanOrEqualTo(applied));
      assertMatchesWrites(own.entries(), writes, "stale scan on " + id);
      assertThat(differences(own.entries(), linearizable.entries()))
          .as("(a) seed=%d: keys where %s's own data differs from the linearizable scan", seed, id).isEmpty();
    }
    checkSampleOfKeysOneByOne(writes, applied);

    // (c) No node logged an error in any of its runs.
    for (String id : E2eCluster.IDS) {
      List<String> errors = Files.readAllLines(cluster.node(id).log()).stream().filter(l -> l.contains(" ERROR ")).toList();
      assertThat(errors).as("(c) seed=%d: errors in %s's log", seed, cluster.node(id).log()).isEmpty();
    }
    Map<Op.Type, Integer> counts = writers.counts();
    assertThat(counts.getOrDefault(Op.Type.OK, 0)).as("acknowledged writes: the writers made progress").isGreaterThan(200);
    long unknownPresent = writes.values().stream()
        .filter(w -> w.outcome() == Op.Type.INFO && linearizable.entries().containsKey(w.key())).count();
    cluster.log("checked " + linearizable.entries().size() + " keys at applied index " + applied + " on every node; "
        + unknownPresent + " of " + counts.getOrDefault(Op.Type.INFO, 0) + " writes of unknown outcome are there");
  }

  /**
   * (a) for one node's data: every acknowledged write there at the version its answer named, with its
   * value; no write answered as certainly failed there; nothing there that was never written; a write
   * of unknown outcome there, if at all, with its own value.
   */
  private void assertMatchesWrites(Map<String, ReplicaReads.Entry> found, Map<String, DistinctKeyWriters.Write> writes,
      String how) {
    List<String> lost = new ArrayList<>();
    List<String> phantom = new ArrayList<>();
    for (DistinctKeyWriters.Write w : writes.values()) {
      ReplicaReads.Entry e = found.get(w.key());
      if (w.outcome() == Op.Type.OK && (e == null || e.version() != w.version() || !e.value().equals(w.value()))) {
        lost.add(w + " found as " + e);
      }
      if (w.outcome() == Op.Type.FAIL && e != null) phantom.add(w + " found as " + e);
      if (w.outcome() == Op.Type.INFO && e != null && !e.value().equals(w.value())) phantom.add(w + " found as " + e);
    }
    found.keySet().stream().filter(k -> !writes.containsKey(k)).forEach(k -> phantom.add(k + " never written"));
    assertThat(firstFew(lost)).as("(a) seed=%d: acknowledged writes missing or changed in the %s (%d in all)",
        seed, how, lost.size()).isEmpty();
    assertThat(firstFew(phantom)).as("seed=%d: keys in the %s that no write may have put there (%d in all)",
        seed, how, phantom.size()).isEmpty();
  }

  /** The keys whose entries differ between {@code a} and {@code b}, at most ten, with both sides. */
  private static List<String> differences(Map<String, ReplicaReads.Entry> a, Map<String, ReplicaReads.Entry> b) {
    Set<String> keys = new TreeSet<>(a.keySet());
    keys.addAll(b.keySet());
    return firstFew(keys.stream().filter(k -> !Objects.equals(a.get(k), b.get(k)))
        .map(k -> k + ": " + a.get(k) + " against " + b.get(k)).toList());
  }

  /** A failure's first ten examples: enough to see what went wrong without thousands of lines. */
  private static List<String> firstFew(List<String> all) {
    return all.subList(0, Math.min(10, all.size()));
  }

  /**
   * A few acknowledged keys read one at a time on every node, linearizably and from the node's own
   * state at the converged index: the single-key read path must agree with the scans.
   */
  private void checkSampleOfKeysOneByOne(Map<String, DistinctKeyWriters.Write> writes, long applied) throws Exception {
    List<DistinctKeyWriters.Write> acked = writes.values().stream().filter(w -> w.outcome() == Op.Type.OK)
        .sorted(Comparator.comparing(DistinctKeyWriters.Write::key)).toList();
    for (int i = 0; i < Math.min(20, acked.size()); i++) {
      DistinctKeyWriters.Write w = acked.get(random.nextInt(acked.size()));
      String expected = "200 \"" + w.version() + "\" " + w.value();
      for (String id : E2eCluster.IDS) {
        String url = cluster.node(id).url();
        assertThat(ReplicaReads.get(url, w.key(), "")).as("(a) linearizable read of %s on %s", w.key(), id)
            .isEqualTo(expected);
        assertThat(ReplicaReads.get(url, w.key(), "?consistency=stale&minIndex=" + applied))
            .as("(a) read of %s from %s's own state", w.key(), id).isEqualTo(expected);
      }
    }
  }
}
