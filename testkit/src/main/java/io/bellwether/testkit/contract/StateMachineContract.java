package io.bellwether.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bellwether.core.spi.SnapshotCapture;
import io.bellwether.core.spi.SnapshotData;
import io.bellwether.core.spi.SnapshotSink;
import io.bellwether.core.spi.StateMachine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

// Goal: prove a StateMachine honours its Javadoc: apply is deterministic, query changes nothing,
// snapshot + restore rebuild the state exactly (and replace it whole), a capture writes the state as
// it was when captured, a snapshot sent in its transferred form and rebuilt by a sink restores the
// same state, a corrupt snapshot is refused without harm, and a malformed command is answered.
// Method: twin machines fed the same seeded commands must agree on every result and every query
// answer; the seed is in every failure message (rerun with -Dbellwether.contract.seed=S).
/**
 * The contract every {@link StateMachine} must pass: what lets every node of a cluster reach the same
 * state from the same log, and a lagging node catch up from a snapshot. A module extends it and says
 * how to build a machine, which commands to feed it and which queries describe its state.
 *
 * <p>Each test uses commands from a seeded generator; the seed is {@code bellwether.contract.seed}
 * (default 1) and appears in every failure message.
 */
public abstract class StateMachineContract {

  private final long seed = Long.getLong("bellwether.contract.seed", 1L);

  /** A new machine in its initial state, used by one test only. */
  protected abstract StateMachine newStateMachine();

  /**
   * {@code count} commands drawn from {@code random} (the same draws give the same commands), mixing
   * the kinds the machine accepts and, if it has any, commands it rejects as failed preconditions.
   */
  protected abstract List<byte[]> commands(Random random, int count);

  /**
   * Queries whose answers together describe the whole observable state after {@code commands}: two
   * machines that answer them all alike are taken to hold the same state.
   */
  protected abstract List<byte[]> queries(List<byte[]> commands);

  /**
   * Bytes that are not a snapshot this machine wrote; {@link StateMachine#restore} must refuse them
   * with {@link IllegalArgumentException}. By default a good snapshot cut in half and random bytes.
   */
  protected List<byte[]> corruptSnapshots(byte[] good, Random random) {
    byte[] noise = new byte[Math.max(8, good.length)];
    random.nextBytes(noise);
    return List.of(Arrays.copyOf(good, good.length / 2), noise);
  }

  @Test
  void applyIsDeterministic() {
    List<byte[]> commands = commands(random(1), 200);
    StateMachine a = newStateMachine();
    StateMachine b = newStateMachine();
    for (int i = 0; i < commands.size(); i++) {
      byte[] resultA = a.apply(i + 1, commands.get(i));
      byte[] resultB = b.apply(i + 1, commands.get(i));
      assertThat(resultA).as("result of command %d is never null (%s)", i + 1, seeded()).isNotNull();
      assertThat(resultB).as("two machines answer command %d alike (%s)", i + 1, seeded()).isEqualTo(resultA);
    }
    assertSameAnswers(a, b, commands, "after the same commands");
  }

  @Test
  void queriesChangeNothing() {
    List<byte[]> first = commands(random(2), 100);
    List<byte[]> then = commands(random(3), 100);
    StateMachine queried = newStateMachine();
    StateMachine untouched = newStateMachine();
    applyAll(queried, first, 1);
    applyAll(untouched, first, 1);
    for (int round = 0; round < 3; round++) {
      for (byte[] query : queries(first)) queried.query(query);
    }
    List<byte[]> resultsQueried = applyAll(queried, then, first.size() + 1);
    List<byte[]> resultsUntouched = applyAll(untouched, then, first.size() + 1);
    assertThat(resultsQueried).as("results after queries (%s)", seeded())
        .usingElementComparator(Arrays::compare).containsExactlyElementsOf(resultsUntouched);
    assertSameAnswers(queried, untouched, join(first, then), "after one of them was queried");
  }

  /**
   * The same machine's state opened anew, as after a restart (the old one closed), for machines that
   * keep state outside the snapshot data, such as files a manifest names; or null if the machine keeps
   * nothing outside it (then a restart is a restore from the snapshot data alone, covered elsewhere).
   */
  protected StateMachine reopen(StateMachine machine) {
    return null;
  }

  @Test
  void restoringASnapshotRebuildsTheSameState() {
    List<byte[]> before = commands(random(4), 150);
    List<byte[]> after = commands(random(5), 150);
    StateMachine leader = newStateMachine();
    applyAll(leader, before, 1);
    byte[] snapshot = capture(leader);

    StateMachine follower = newStateMachine();
    transfer(leader, before.size(), snapshot, follower);
    assertSameAnswers(leader, follower, before, "after restoring the snapshot");

    List<byte[]> leaderResults = applyAll(leader, after, before.size() + 1);
    List<byte[]> followerResults = applyAll(follower, after, before.size() + 1);
    assertThat(followerResults).as("results after the snapshot (%s)", seeded())
        .usingElementComparator(Arrays::compare).containsExactlyElementsOf(leaderResults);
    assertSameAnswers(leader, follower, join(before, after), "after more commands on both");
  }

  @Test
  void restoreReplacesTheWholeState() {
    // More stale commands than wanted ones, so a restore that keeps what it does not overwrite shows.
    List<byte[]> wanted = commands(random(6), 100);
    List<byte[]> stale = commands(random(7), 200);
    StateMachine source = newStateMachine();
    applyAll(source, wanted, 1);
    StateMachine target = newStateMachine();
    applyAll(target, stale, 1);
    capture(target); // the target's own snapshot, which the restore must replace too
    applyAll(target, stale.subList(0, 20), stale.size() + 1);
    transfer(source, wanted.size(), capture(source), target);
    assertSameAnswers(source, target, join(wanted, stale), "after restoring over other state");
  }

  @Test
  void aSnapshotIsAValueNotAView() {
    List<byte[]> before = commands(random(8), 100);
    List<byte[]> after = commands(random(9), 100);
    StateMachine machine = newStateMachine();
    applyAll(machine, before, 1);
    byte[] snapshot = capture(machine);
    byte[] copy = snapshot.clone();
    applyAll(machine, after, before.size() + 1);
    assertThat(snapshot).as("a snapshot does not change when the machine goes on (%s)", seeded())
        .isEqualTo(copy);

    StateMachine reference = newStateMachine();
    applyAll(reference, before, 1);
    StateMachine restored = newStateMachine();
    transfer(machine, before.size(), snapshot, restored);
    assertSameAnswers(reference, restored, join(before, after), "restored from an older snapshot");
  }

  @Test
  void aCaptureWritesTheStateAsCapturedWhileTheMachineGoesOn() {
    List<byte[]> before = commands(random(13), 100);
    List<byte[]> after = commands(random(14), 100);
    StateMachine machine = newStateMachine();
    applyAll(machine, before, 1);
    SnapshotCapture capture = machine.captureSnapshot();
    applyAll(machine, after, before.size() + 1); // the writer thread may run late: apply goes on
    byte[] local = capture.write();

    StateMachine reference = newStateMachine();
    applyAll(reference, before, 1);
    StateMachine restored = newStateMachine();
    transfer(machine, before.size(), local, restored);
    assertSameAnswers(reference, restored, join(before, after), "restored from a capture written late");
  }

  @Test
  void theTransferredFormRebuildsTheSameStateOnAnotherMachine() {
    List<byte[]> before = commands(random(15), 150);
    List<byte[]> after = commands(random(16), 50);
    StateMachine leader = newStateMachine();
    applyAll(leader, before, 1);
    long lastIndex = before.size();
    byte[] local = leader.captureSnapshot().write();
    SnapshotData data = leader.exportSnapshot(lastIndex, local);
    assertThat(leader.snapshotSize(local)).as("the size reported for the snapshot = the bytes its export sends (%s)",
        seeded()).isEqualTo(data.size());
    StateMachine follower = newStateMachine();
    byte[] received;
    try {
      SnapshotSink sink = follower.receiveSnapshot(lastIndex, data.size());
      // In several chunks, as a leader sends them, each read exactly as asked.
      int chunk = (int) Math.max(1, Math.min(Integer.MAX_VALUE - 8, data.size() / 7));
      CRC32C crc = new CRC32C();
      for (long offset = 0; offset < data.size(); ) {
        int want = (int) Math.min(chunk, data.size() - offset);
        byte[] bytes = data.read(offset, want);
        assertThat(bytes).as("read at %d of %d (%s)", offset, data.size(), seeded()).hasSize(want);
        crc.update(bytes);
        sink.write(bytes);
        offset += want;
      }
      assertThat(data.checksum()).as("checksum announced = CRC32C of the bytes read (%s)", seeded())
          .isEqualTo((int) crc.getValue());
      received = sink.complete();
    } finally {
      data.close();
    }
    follower.restore(lastIndex, received);
    assertSameAnswers(leader, follower, before, "after restoring the transferred snapshot");
    List<byte[]> leaderResults = applyAll(leader, after, lastIndex + 1);
    List<byte[]> followerResults = applyAll(follower, after, lastIndex + 1);
    assertThat(followerResults).as("results after the transferred snapshot (%s)", seeded())
        .usingElementComparator(Arrays::compare).containsExactlyElementsOf(leaderResults);
  }

  @Test
  void aRestartRestoresTheLastSnapshotAndReplaysTheRest() {
    List<byte[]> before = commands(random(13), 150);
    List<byte[]> between = commands(random(14), 100);
    List<byte[]> after = commands(random(15), 100);
    StateMachine reference = newStateMachine();
    applyAll(reference, join(before, between), 1);
    StateMachine machine = newStateMachine();
    applyAll(machine, before, 1);
    capture(machine);
    applyAll(machine, between.subList(0, 50), before.size() + 1);
    byte[] last = capture(machine);
    // Applied but in no snapshot: lost with the process, replayed from the log after the restart.
    applyAll(machine, between.subList(50, between.size()), before.size() + 51);
    StateMachine restarted = reopen(machine);
    if (restarted == null) return;
    restarted.restore(before.size() + 50, last);
    applyAll(restarted, between.subList(50, between.size()), before.size() + 51);
    assertSameAnswers(reference, restarted, join(before, between), "after a restart and the log's replay");
    List<byte[]> referenceResults = applyAll(reference, after, before.size() + between.size() + 1);
    List<byte[]> restartedResults = applyAll(restarted, after, before.size() + between.size() + 1);
    assertThat(restartedResults).as("results after the restart (%s)", seeded())
        .usingElementComparator(Arrays::compare).containsExactlyElementsOf(referenceResults);
  }

  /** A snapshot the way a node takes one: captured, then written (here on the same thread). */
  protected static byte[] capture(StateMachine machine) {
    return machine.captureSnapshot().write();
  }

  /**
   * A snapshot the way a follower installs one: {@code source} exports it, {@code target} receives it
   * in small chunks and restores what its sink completed with.
   */
  protected static void transfer(StateMachine source, long index, byte[] localData, StateMachine target) {
    SnapshotData data = source.exportSnapshot(index, localData);
    SnapshotSink sink = target.receiveSnapshot(index, data.size());
    for (long at = 0; at < data.size(); ) {
      byte[] chunk = data.read(at, 777);
      sink.write(chunk);
      at += chunk.length;
    }
    data.close();
    target.restore(index, sink.complete());
  }

  @Test
  void aCorruptSnapshotIsRefusedAndChangesNothing() {
    List<byte[]> commands = commands(random(10), 100);
    StateMachine machine = newStateMachine();
    applyAll(machine, commands, 1);
    StateMachine reference = newStateMachine();
    applyAll(reference, commands, 1);
    for (byte[] corrupt : corruptSnapshots(capture(machine), random(11))) {
      assertThatThrownBy(() -> machine.restore(commands.size(), corrupt))
          .as("restore of %d bytes that are not a snapshot (%s)", corrupt.length, seeded())
          .isInstanceOf(IllegalArgumentException.class);
      assertSameAnswers(reference, machine, commands, "after a refused snapshot");
    }
  }

  @Test
  void malformedCommandsAreAnsweredNotThrown() {
    Random random = random(12);
    StateMachine a = newStateMachine();
    StateMachine b = newStateMachine();
    List<byte[]> garbage = new ArrayList<>();
    garbage.add(new byte[0]);
    for (int i = 0; i < 50; i++) {
      byte[] bytes = new byte[random.nextInt(64)];
      random.nextBytes(bytes);
      garbage.add(bytes);
    }
    for (int i = 0; i < garbage.size(); i++) {
      long index = i + 1;
      byte[] command = garbage.get(i);
      byte[][] results = new byte[2][];
      assertThatCode(() -> {
        results[0] = a.apply(index, command);
        results[1] = b.apply(index, command);
      }).as("apply of malformed command %s (%s)", Arrays.toString(command), seeded())
          .doesNotThrowAnyException();
      assertThat(results[0]).as("answered, not null (%s)", seeded()).isNotNull();
      assertThat(results[1]).as("both machines answer alike (%s)", seeded()).isEqualTo(results[0]);
    }
  }

  private void assertSameAnswers(StateMachine expected, StateMachine actual, List<byte[]> commands, String when) {
    for (byte[] query : queries(commands)) {
      assertThat(actual.query(query)).as("answer to query %s %s (%s)", Arrays.toString(query), when, seeded())
          .isEqualTo(expected.query(query));
    }
  }

  private static List<byte[]> applyAll(StateMachine machine, List<byte[]> commands, long firstIndex) {
    List<byte[]> results = new ArrayList<>();
    for (int i = 0; i < commands.size(); i++) results.add(machine.apply(firstIndex + i, commands.get(i)));
    return results;
  }

  private static List<byte[]> join(List<byte[]> a, List<byte[]> b) {
    List<byte[]> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private Random random(int stream) {
    return new Random(seed * 1_000_003L + stream);
  }

  private String seeded() {
    return "seed " + seed + ", rerun with -Dbellwether.contract.seed=" + seed;
  }
}
