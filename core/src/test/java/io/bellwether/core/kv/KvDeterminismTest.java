package io.bellwether.core.kv;

// Goal: replicas fed the same log end in the same state with the same results, even across a
// snapshot and restore. Method: a seeded random log (conflicts, retries, expiry, garbage) applied twice.

import static io.bellwether.core.kv.KvDriver.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KvDeterminismTest {

  private static final int COMMANDS = 5_000;
  private static final long RETENTION_MILLIS = 2_000;
  private static final int MAX_RECORDS = 32;

  private static long seed;
  private static List<byte[]> log;

  @BeforeAll
  static void generateLog() {
    seed = Long.getLong("bellwether.kv.seed", System.nanoTime());
    System.out.println("kv seed=" + seed);
    log = randomLog(new Random(seed), COMMANDS);
  }

  private static String reproduce() {
    return "reproduce with -Dbellwether.kv.seed=" + seed;
  }

  /**
   * Commands over a few keys so writes collide: puts and deletes, conditional on versions that are
   * often right, idempotency keys that repeat, a clock that jitters backwards and sometimes leaps
   * past the retention window, and some garbage.
   */
  static List<byte[]> randomLog(Random random, int count) {
    List<byte[]> commands = new ArrayList<>(count);
    long clockMillis = 1_000;
    List<Long> grants = new ArrayList<>();
    for (int index = 1; index <= count; index++) {
      int roll = random.nextInt(100);
      clockMillis += random.nextInt(100) < 2 ? RETENTION_MILLIS : random.nextInt(50);
      long stampMillis = Math.max(0, clockMillis - random.nextInt(30));
      if (roll < 3) {
        byte[] garbage = new byte[random.nextInt(12)];
        random.nextBytes(garbage);
        commands.add(garbage);
        continue;
      }
      String key = (random.nextBoolean() ? "a/" : "b/") + random.nextInt(12);
      long expected = switch (random.nextInt(4)) {
        case 0 -> KvCommand.ANY;
        case 1 -> KvCommand.ABSENT;
        default -> Math.max(1, index - 1 - random.nextInt(20));
      };
      String idempotencyKey = random.nextInt(3) == 0 ? "req-" + random.nextInt(60) : null;
      byte[] value = new byte[random.nextInt(24)];
      random.nextBytes(value);
      // Lease ids are the granting entries' indexes: recent indexes hit a grant now and then.
      long lease = !grants.isEmpty() && random.nextInt(4) > 0
          ? grants.get(grants.size() - 1 - random.nextInt(Math.min(5, grants.size())))
          : Math.max(1, index - 1 - random.nextInt(40));
      if (roll < 8) {
        grants.add((long) index);
        commands.add(new LeaseCommand.Grant(1 + random.nextInt(30), idempotencyKey, stampMillis).encode());
        continue;
      } else if (roll < 11) {
        commands.add(new LeaseCommand.Revoke(lease, idempotencyKey, stampMillis).encode());
        continue;
      } else if (roll < 14) {
        commands.add(new LeaseCommand.Expire(lease, stampMillis).encode());
        continue;
      }
      KvCommand command = roll < 40
          ? new KvCommand.Put(key, value, expected, idempotencyKey, stampMillis, lease)
          : roll < 70
              ? new KvCommand.Put(key, value, expected, idempotencyKey, stampMillis)
              : new KvCommand.Delete(key, expected, idempotencyKey, stampMillis);
      commands.add(command.encode());
    }
    return commands;
  }

  private static KvStateMachine newMachine() {
    return new KvStateMachine(RETENTION_MILLIS, MAX_RECORDS);
  }

  private static List<byte[]> applyAll(KvStateMachine sm, int fromIndex, int toIndex) {
    List<byte[]> results = new ArrayList<>();
    for (int index = fromIndex; index <= toIndex; index++) {
      results.add(sm.apply(index, log.get(index - 1)));
    }
    return results;
  }

  @Test
  void twoReplicasGiveEqualResultsAndEqualState() {
    KvStateMachine a = newMachine();
    KvStateMachine b = newMachine();
    List<byte[]> resultsA = applyAll(a, 1, COMMANDS);
    List<byte[]> resultsB = applyAll(b, 1, COMMANDS);
    for (int i = 0; i < COMMANDS; i++) {
      assertThat(resultsB.get(i)).as("result at index %d; %s", i + 1, reproduce())
          .isEqualTo(resultsA.get(i));
    }
    assertThat(b.stateHash()).as(reproduce()).isEqualTo(a.stateHash());
    assertThat(b.snapshot()).as(reproduce()).isEqualTo(a.snapshot());
  }

  @Test
  void theLogExercisesEveryOutcome() {
    // Guards the generator: a log that never conflicts or retries would prove little.
    List<KvResult> results = new ArrayList<>();
    List<LeaseResult> leaseResults = new ArrayList<>();
    applyAll(newMachine(), 1, COMMANDS).forEach(r -> {
      if (LeaseResult.isLeaseResult(r)) leaseResults.add(LeaseResult.decode(r));
      else results.add(KvResult.decode(r));
    });
    assertThat(results).extracting(KvResult::status).as(reproduce())
        .contains(KvResult.Status.values());
    assertThat(leaseResults).extracting(LeaseResult::status).as(reproduce())
        .contains(LeaseResult.Status.OK, LeaseResult.Status.NOT_FOUND);
    assertThat(leaseResults).as(reproduce()).anyMatch(r -> r.keysDeleted() > 0);
    assertThat(results).as(reproduce()).anyMatch(KvResult::deleted);
  }

  @Test
  void restoringASnapshotMidwayThenContinuingMatchesTheUninterruptedReplica() {
    int cut = COMMANDS / 2 + new Random(seed).nextInt(COMMANDS / 4);
    KvStateMachine uninterrupted = newMachine();
    List<byte[]> expected = applyAll(uninterrupted, 1, COMMANDS);

    KvStateMachine before = newMachine();
    applyAll(before, 1, cut);
    KvStateMachine restored = newMachine();
    restored.apply(1, KvCommand.put("junk", utf8("to be replaced"), 1).encode());
    restored.restore(cut, before.snapshot());
    assertThat(restored.stateHash()).as(reproduce()).isEqualTo(before.stateHash());

    List<byte[]> rest = applyAll(restored, cut + 1, COMMANDS);
    for (int i = 0; i < rest.size(); i++) {
      assertThat(rest.get(i)).as("result at index %d; %s", cut + 1 + i, reproduce())
          .isEqualTo(expected.get(cut + i));
    }
    assertThat(restored.stateHash()).as(reproduce()).isEqualTo(uninterrupted.stateHash());
  }

  @Test
  void differentStatesHashDifferently() {
    KvStateMachine a = newMachine();
    KvStateMachine b = newMachine();
    a.apply(1, KvCommand.put("k", utf8("v"), 1).encode());
    b.apply(1, KvCommand.put("k", utf8("w"), 1).encode());
    assertThat(a.stateHash()).isNotEqualTo(b.stateHash());
    assertThat(a.stateHash()).isNotEqualTo(newMachine().stateHash());
  }
}
