package io.bellwether.storage.mapdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.bellwether.core.kv.KvStateMachine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// Goal: prove that kill -9 of a process keeping the key-value state on disk, at any moment (while a
// snapshot's layer is written, while the merger rewrites layers, while a snapshot record is saved),
// never leaves a state that opens corrupt or differs from what the saved snapshot says: the files the
// latest saved manifest names are all there and hold exactly the state at its index.
// Method: a child JVM applies a seeded command stream, taking and saving snapshots continuously; we
// SIGKILL it at a seeded random point, reopen the directory here, restore the saved manifest and
// compare its state hash with an in-memory model that applied the same commands up to that index.
// Each round continues from the previous one's saved state. Seed printed; replay with
// -Dbellwether.crash.seed=S, more rounds with -Dbellwether.crash.rounds=N.
class MapDbKvStateCrashTest {

  private static final int DEFAULT_ROUNDS = 12;

  @TempDir Path root;

  @Test
  void everySavedSnapshotOpensWholeAfterKillNine() throws Exception {
    int rounds = Integer.getInteger("bellwether.crash.rounds", DEFAULT_ROUNDS);
    long seed = Long.getLong("bellwether.crash.seed", System.nanoTime());
    System.out.println("MapDbKvStateCrashTest: " + rounds + " rounds, seed " + seed
        + " (replay the kill points with -Dbellwether.crash.seed=" + seed + ")");
    SplittableRandom random = new SplittableRandom(seed);
    Path dir = root.resolve("node");
    Files.createDirectories(dir);
    Path log = root.resolve("children.log");
    KvStateMachine model = new KvStateMachine();
    long modelIndex = 0;
    long commandSeed = seed;
    int mergedAway = 0;
    for (int round = 0; round < rounds; round++) {
      long reported = 0;
      int savesBeforeKill = 1 + random.nextInt(6);
      try (ChildProcess child = ChildProcess.start(log, KvCrashChild.class, dir.toString(), Long.toString(commandSeed))) {
        assertThat(child.nextLine(60_000)).as("child started, round %d\n%s", round, ChildProcess.tail(log, 30))
            .contains("BW STARTING");
        // The kill point: after a seeded number of saves, then a seeded number of 50-apply steps
        // (0 to 39), so that kills land inside layer writes, merges and saves alike.
        int saved = 0;
        int stepsAfter = -1;
        while (stepsAfter != 0) {
          Optional<String> line = child.nextLine(60_000);
          assertThat(line).as("child alive, round %d\n%s", round, ChildProcess.tail(log, 30)).isPresent();
          String[] words = line.get().split(" ");
          if (words[1].equals("saved")) {
            reported = Long.parseLong(words[2]);
            if (++saved == savesBeforeKill) stepsAfter = random.nextInt(40);
          } else if (stepsAfter > 0) {
            stepsAfter--;
          }
        }
        for (String line : child.kill()) {
          if (line.startsWith("BW saved ")) reported = Math.max(reported, Long.parseLong(line.split(" ")[2]));
        }
      }
      KvStateMachine reopened = KvCrashChild.open(dir);
      try {
        long index = KvCrashChild.restoreLatest(dir, reopened);
        assertThat(index).as("the saved record is at least the last save reported, round %d, seed %d", round, seed)
            .isGreaterThanOrEqualTo(reported);
        while (modelIndex < index) {
          modelIndex++;
          model.apply(modelIndex, KvCrashChild.command(commandSeed, modelIndex));
        }
        assertThat(reopened.stateHash()).as("state at %d after kill -9, round %d, seed %d", index, round, seed)
            .isEqualTo(model.stateHash());
        assertThat(reopened.size()).isEqualTo(model.size());
      } finally {
        reopened.close();
      }
      try (var files = Files.list(dir.resolve("kv"))) {
        mergedAway = Math.max(mergedAway, (int) files.filter(p -> p.toString().endsWith(".sst")).count());
      }
    }
    System.out.println("MapDbKvStateCrashTest: model at index " + modelIndex + ", at most " + mergedAway
        + " layer files at once");
    assertThat(modelIndex).as("the rounds made progress").isGreaterThan(rounds * 50L);
  }

}
