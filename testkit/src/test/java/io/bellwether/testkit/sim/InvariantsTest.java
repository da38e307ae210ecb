package io.bellwether.testkit.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bellwether.core.LogEntry;
import io.bellwether.core.Membership;
import io.bellwether.core.engine.RaftConfig;
import io.bellwether.core.engine.Role;
import io.bellwether.core.kv.KvStateMachine;
import io.bellwether.core.message.AppendEntries;
import io.bellwether.core.message.InstallSnapshot;
import io.bellwether.core.message.Message;
import io.bellwether.core.message.RequestVoteResponse;
import io.bellwether.core.runtime.SnapshotPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

// Goal: Log Matching is checked on every stored entry, against everything any node ever stored; and
// the checks after each step hold up on compacted logs without giving up what can still be checked.
// Method: feed the checker the entries nodes store, with their prefix hashes, as SimLogStore does;
// for compacted logs, drive one real node (a SimNode) through the steps that compact it.
class InvariantsTest {

  private static final List<String> IDS = List.of("n1", "n2", "n3");

  private final Invariants invariants = new Invariants();

  @Test
  void sameEntryAfterTheSamePrefixIsFine() {
    LogEntry e1 = LogEntry.command(1, 1, new byte[] {1});
    LogEntry e2 = LogEntry.command(1, 2, new byte[] {2});
    long h1 = SimLogStore.PrefixHash.next(0, e1);
    long h2 = SimLogStore.PrefixHash.next(h1, e2);

    invariants.stored("n1", e1, 0, h1);
    invariants.stored("n1", e2, h1, h2);
    invariants.stored("n2", e1, 0, h1);

    assertThatCode(() -> invariants.stored("n2", e2, h1, h2)).doesNotThrowAnyException();
  }

  @Test
  void sameIndexAndTermAfterADifferentPrefixBreaksLogMatching() {
    LogEntry e1 = LogEntry.command(1, 1, new byte[] {1});
    LogEntry other1 = LogEntry.command(1, 1, new byte[] {9});
    LogEntry e2 = LogEntry.command(2, 2, new byte[] {2});
    long h1 = SimLogStore.PrefixHash.next(0, e1);
    invariants.stored("n1", e2, h1, SimLogStore.PrefixHash.next(h1, e2));

    long other = SimLogStore.PrefixHash.next(0, other1);
    long otherPrefix = SimLogStore.PrefixHash.next(other, e2);

    assertThatThrownBy(() -> invariants.stored("n2", e2, other, otherPrefix))
        .isInstanceOf(SimFailure.class)
        .hasMessageContaining("Log Matching violated");
  }

  /**
   * The shape of seed 20490 (3 nodes): a node commits up to a snapshot and dies in that same step,
   * so no check ever sees that commit; it restarts with its log compacted up to the snapshot, and
   * wins an election. Leader Completeness used to ask its store for the prefix hash of an index
   * below the snapshot (IllegalArgumentException). The indexes the snapshot covers are committed, and
   * the leader is checked at the snapshot's index.
   */
  @Test
  void leaderRestartedFromASnapshotNoCheckSawCommittedIsCheckedAtTheSnapshot() {
    List<LogEntry> log = log(1, 5, 1);
    storeAll("n2", log);
    SimNode n1 = node("n1");
    n1.run(() -> n1.driver().receive(new AppendEntries("n2", "n1", 1, 0, 0, log.subList(0, 2), 2)));
    invariants.check(List.of(n1));
    assertThat(invariants.committedCount()).isEqualTo(2);

    // n2's snapshot up to 5, and n1 dies in the same step: no check runs in between.
    n1.run(() -> n1.driver().receive(snapshot("n2", 1, 5, 1)));
    n1.crash(new Random(1), "crashed");
    n1.start(new SplittableRandom(2));
    assertThat(n1.store().knownFrom()).as("compacted up to the snapshot").isEqualTo(5);
    electLeader(n1);

    assertThatCode(() -> invariants.check(List.of(n1))).doesNotThrowAnyException();
    assertThat(invariants.committedCount()).as("learned from the snapshot").isEqualTo(5);
  }

  /** Not a weaker check: a snapshot that contradicts what was committed below it is caught. */
  @Test
  void snapshotWhoseLogContradictsWhatWasCommittedIsCaught() {
    List<LogEntry> log = log(1, 5, 1);
    storeAll("n2", log);
    // n3, leader of term 2, holds the same entry 1 but its own entries from 2 on.
    List<LogEntry> other = new ArrayList<>(List.of(log.get(0)));
    other.addAll(log(2, 5, 2));
    storeAll("n3", other);
    SimNode n1 = node("n1");
    n1.run(() -> n1.driver().receive(new AppendEntries("n2", "n1", 1, 0, 0, log.subList(0, 2), 2)));
    invariants.check(List.of(n1));

    n1.run(() -> n1.driver().receive(snapshot("n3", 2, 5, 2)));
    n1.crash(new Random(1), "crashed");
    n1.start(new SplittableRandom(2));

    assertThatThrownBy(() -> invariants.check(List.of(n1)))
        .isInstanceOf(SimFailure.class)
        .hasMessageContaining("State Machine Safety violated")
        .hasMessageContaining("snapshot up to index 5");
  }

  /** Entries {@code from..to} of term {@code term}, each with its own command. */
  private static List<LogEntry> log(long from, long to, long term) {
    List<LogEntry> entries = new ArrayList<>();
    for (long i = from; i <= to; i++) {
      entries.add(LogEntry.command(term, i, new byte[] {(byte) i, (byte) term}));
    }
    return entries;
  }

  /** {@code node} stores {@code log} from index 1, reported as SimLogStore reports it. */
  private void storeAll(String node, List<LogEntry> log) {
    long hash = 0;
    for (LogEntry e : log) {
      long next = SimLogStore.PrefixHash.next(hash, e);
      invariants.stored(node, e, hash, next);
      hash = next;
    }
  }

  /** One node of a three-node cluster whose peers are this test; pre-vote off to elect it simply. */
  private SimNode node(String id) {
    SimConfig config = SimConfig.of(1, IDS.size())
        .withRaft(RaftConfig.DEFAULT.withPreVote(false))
        .withSnapshots(SnapshotPolicy.NEVER);
    SimNetwork network = new SimNetwork(IDS, new SplittableRandom(1));
    SimNode node = new SimNode(id, Membership.ofVoters(IDS), config, network, invariants);
    node.start(new SplittableRandom(1));
    return node;
  }

  /** Ticks {@code node} into a candidacy, then grants it n2's vote; checks after every step. */
  private void electLeader(SimNode node) {
    for (int i = 0; i < 100 && node.engine().role() != Role.CANDIDATE; i++) {
      node.run(() -> node.driver().tick());
      invariants.check(List.of(node));
    }
    long term = node.engine().term();
    Message vote = new RequestVoteResponse("n2", node.id, term, true, false);
    node.run(() -> node.driver().receive(vote));
    assertThat(node.engine().role()).isEqualTo(Role.LEADER);
  }

  /** A one-chunk snapshot of an empty key-value store, up to ({@code index}, {@code lastTerm}). */
  private static InstallSnapshot snapshot(String from, long term, long index, long lastTerm) {
    byte[] state = new KvStateMachine().snapshot();
    CRC32C crc = new CRC32C();
    crc.update(state, 0, state.length);
    return new InstallSnapshot(from, "n1", term, index, lastTerm, state.length,
        (int) crc.getValue(), 0, state);
  }
}
