package io.bellwether.testkit.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.bellwether.core.HardState;
import io.bellwether.core.LogEntry;
import io.bellwether.core.RequestFailedException;
import io.bellwether.core.engine.RaftConfig;
import io.bellwether.core.engine.RaftEngine;
import io.bellwether.core.kv.KvCommand;
import io.bellwether.core.kv.KvStateMachine;
import io.bellwether.core.message.AppendEntries;
import io.bellwether.core.message.InstallSnapshot;
import io.bellwether.core.runtime.Applied;
import io.bellwether.core.runtime.NodeDriver;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

// Goal: keep every bug the simulation found in main code as a test, with the seeds that found it.
// Method: each bug as its smallest direct reproduction, and as the seeds that first showed it.
class SimRegressionTest {

  private static final Set<String> FIVE = Set.of("n1", "n2", "n3", "n4", "n5");

  /** Seeds (and cluster sizes) that found a bug in main code; they must pass from now on. */
  @ParameterizedTest(name = "seed {0}, {1} nodes: {2}")
  @CsvSource({
      "4,  3, propose at term 0 stopped the node",
      "97, 3, propose at term 0 stopped a node resumed after a pause",
      "3,  5, commit index from disk past the log: restart failed",
      "6,  5, commit index from disk past the log: restart failed",
      "49, 3, commit index from disk past the log: restart failed",
  })
  void seedThatFoundABugNowPasses(long seed, int nodes, String bug) {
    SimResult result = Simulation.run(original(seed, nodes));
    assertThat(result.failed()).as(result.report()).isFalse();
  }

  /**
   * Seeds that broke the harness itself rather than finding a bug: a soak stopped at each. Found with
   * {@link SimConfig#of} as it was then (bounded clocks included, the membership static), so
   * replayed as such.
   */
  @ParameterizedTest(name = "seed {0}, {1} nodes: {2}")
  @CsvSource({
      "20490, 3, Leader Completeness asked a restarted leader's store for a compacted index",
      "20694, 3, the liveness probe wrote through no node: a follower's pre-vote ended the agreement",
      "20741, 3, the liveness probe wrote through no node: a follower's pre-vote ended the agreement",
  })
  void seedThatBrokeTheHarnessNowPasses(long seed, int nodes, String breakage) {
    SimResult result = Simulation.run(SimConfig.of(seed, nodes).withStaticMembership());
    assertThat(result.failed()).as(result.report()).isFalse();
  }

  /**
   * The run a seed made when it found its bug: found before bounded-clock runs existed, so with the
   * original clocks (some of these seeds now draw bounded clocks, a different run), and before the
   * membership changed (the default fault mix changes it now, which moves every schedule).
   */
  private static SimConfig original(long seed, int nodes) {
    return SimConfig.of(seed, nodes).withClocks(Clocks.UNBOUNDED).withStaticMembership();
  }

  /**
   * Bug 1, found by seed 4 (3 nodes) at t=0, the first client write reaching a node before any
   * election: RaftEngine.propose built its LogEntry with the current term before checking the role,
   * and LogEntry rejects term 0, so propose threw IllegalArgumentException instead of
   * RequestFailedException(NO_LEADER); NodeDriver let it through, and RaftNode stops a node on it.
   */
  @Test
  void proposeBeforeAnyElectionIsTurnedAwayAsNoLeader() {
    NodeDriver driver = driver(freshEngine(), new SimLogStore("n1", new Invariants()));
    CompletableFuture<Applied> answer = new CompletableFuture<>();

    assertThatCode(() -> driver.propose(put("k", "v"), answer)).doesNotThrowAnyException();

    assertThat(answer.handle((ok, e) -> e)).isCompletedWithValueMatching(
        e -> e instanceof RequestFailedException rf
            && rf.reason() == RequestFailedException.Reason.NO_LEADER);
  }

  /**
   * Bug 2, found by seeds 3 and 6 (5 nodes) and 49 (3 nodes) as "saved commitIndex N is past the
   * last stored index": a follower learns of a new entry and, in the same AppendEntries, that it is
   * committed; its runtime stages the entry, then the hard state with the new commit index, and dies
   * before the sync completes. The LogStore contract lets the disk keep that hard state and lose the
   * entry. Worse than a node that cannot restart: when the lost entry had replaced an uncommitted
   * one from an older term, a restarted node that trusts the commit index on disk applies that stale
   * entry. The engine now starts from the snapshot's index and relearns the commit index.
   */
  @Test
  void crashThatKeepsTheCommitIndexButLosesEntriesAppliesNothingStale() {
    LogEntry first = LogEntry.command(1, 1, put("k", "a"));
    LogEntry stale = LogEntry.command(1, 2, put("k", "stale"));   // from n2, leader of term 1
    LogEntry committed = LogEntry.command(2, 2, put("k", "new")); // from n3, leader of term 2
    List<String> problems = new ArrayList<>();
    // Well-spread seeds: java.util.Random's first draws from small consecutive seeds are alike.
    SplittableRandom crashSeeds = new SplittableRandom(42);

    for (int crash = 0; crash < 64; crash++) {
      SimLogStore disk = new SimLogStore("n1", new Invariants());
      NodeDriver follower = driver(freshEngine(), disk);
      // Term 1: n2 replicates two entries; only the first is committed.
      follower.receive(new AppendEntries("n2", "n1", 1, 0, 0, List.of(first, stale), 1));
      follower.flush();
      // Term 2: n3 (elected by n3, n4, n5, which never had the stale entry) replaces it, and says
      // the replacement is committed. n1 dies in the middle of the sync.
      disk.crashAtNextSync(true);
      follower.receive(new AppendEntries("n3", "n1", 2, 1, 1, List.of(committed), 2));
      try {
        follower.flush();
      } catch (SimLogStore.Crash expected) {
        // the process is gone; only the disk remains
      }
      SimLogStore after = disk.afterCrash(new Random(crashSeeds.nextLong()));
      try {
        RaftEngine restarted = restart(after);
        if (restarted.commitIndex() >= 2 && !restarted.entryAt(2).equals(committed)) {
          problems.add("restarted with commit index " + restarted.commitIndex() + " over "
              + restarted.entryAt(2) + " (disk: " + after.hardState() + ")");
        }
      } catch (RuntimeException e) {
        problems.add("cannot restart: " + e.getMessage() + " (disk: " + after.hardState() + ")");
      }
    }

    assertThat(problems).isEmpty();
  }

  /**
   * Bug 3, found by seeds 35 (5 nodes) and 54 (3 nodes) with snapshots on, as "append at 24 would
   * leave a gap after 21": a follower holding entries 1..23, the later ones from an old leader,
   * is sent a snapshot up to 21 whose term differs from its own entry 21. RaftLog.installSnapshot
   * then discards the whole log but keeps unstableFrom at 24 (Math.max(unstableFrom, index + 1)), so
   * entries 22 and 23 appended next from the leader are never handed out in Ready.entries: the
   * follower acknowledges entries it never persisted (the in-memory store refuses the next append
   * because of the gap; a store that did not check would lose acknowledged entries on a crash).
   */
  @Test
  void entriesAfterAnInstalledSnapshotThatReplacedTheLogArePersisted() {
    LogEntry first = LogEntry.command(1, 1, put("k", "a"));
    LogEntry leadersSecond = LogEntry.command(2, 2, put("k", "x"));
    Invariants invariants = new Invariants();
    // n3, leader of term 2, stored what its snapshot will cover.
    long prefix = SimLogStore.PrefixHash.next(0, first);
    invariants.stored("n3", first, 0, prefix);
    invariants.stored("n3", leadersSecond, prefix, SimLogStore.PrefixHash.next(prefix, leadersSecond));
    SimLogStore disk = new SimLogStore("n1", invariants);
    NodeDriver follower = driver(freshEngine(), disk);
    // Term 1: n2, an old leader, replicated three entries, none committed.
    follower.receive(new AppendEntries("n2", "n1", 1, 0, 0, List.of(
        first, LogEntry.command(1, 2, put("k", "b")), LogEntry.command(1, 3, put("k", "c"))), 0));
    follower.flush();
    // Term 2: n3's snapshot ends at index 2 in term 2, so n1's whole log goes; then entry 3 follows.
    byte[] state = new KvStateMachine().snapshot();
    follower.receive(new InstallSnapshot("n3", "n1", 2, 2, 2, state.length, crc32c(state), 0, state));
    follower.flush();
    follower.receive(new AppendEntries("n3", "n1", 2, 2, 2,
        List.of(LogEntry.command(2, 3, put("k", "d"))), 3));

    assertThatCode(follower::flush).doesNotThrowAnyException();
    assertThat(disk.lastIndex()).as("persisted up to what the engine holds and acknowledged")
        .isEqualTo(follower.engine().lastIndex());
  }

  @Test
  void entriesAfterAnInstalledSnapshotSeed() {
    for (long[] seed : new long[][] {{35, 5}, {54, 3}, {6, 3}, {8, 5}}) {
      SimResult result = Simulation.run(original(seed[0], (int) seed[1]));
      assertThat(result.failed()).as(result.report()).isFalse();
    }
  }

  private static int crc32c(byte[] data) {
    CRC32C crc = new CRC32C();
    crc.update(data, 0, data.length);
    return (int) crc.getValue();
  }

  private static RaftEngine freshEngine() {
    return new RaftEngine("n1", FIVE, RaftConfig.DEFAULT, new SplittableRandom(1),
        HardState.INITIAL, null, List.of());
  }

  private static NodeDriver driver(RaftEngine engine, SimLogStore store) {
    SimNetwork network = new SimNetwork(List.of("n1", "n2", "n3", "n4", "n5"), new SplittableRandom(1));
    return new NodeDriver(engine, store, new SimTransport(network, m -> { }), new KvStateMachine(), 0, 30, 100);
  }

  /** Rebuilds the engine from the disk, as a restarting node does. */
  private static RaftEngine restart(SimLogStore store) {
    List<LogEntry> entries = store.lastIndex() >= store.firstIndex()
        ? store.entries(store.firstIndex(), store.lastIndex() + 1, Long.MAX_VALUE)
        : List.of();
    return new RaftEngine("n1", FIVE, RaftConfig.DEFAULT, new SplittableRandom(1),
        store.hardState(), null, entries);
  }

  private static byte[] put(String key, String value) {
    return KvCommand.put(key, value.getBytes(StandardCharsets.UTF_8), 0).encode();
  }
}
