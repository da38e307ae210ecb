package io.bellwether.storage.mapdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.bellwether.core.HardState;
import io.bellwether.core.LogEntry;
import io.bellwether.core.spi.Snapshot;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// Goal: prove that kill -9 at any moment loses nothing sync() acknowledged and never leaves a torn entry or store.
// Method: a child JVM appends and syncs batches on one directory, reporting each sync; we SIGKILL it at a
// seeded random point, reopen, and check every reported entry, the hard state, and every entry's bytes.
class MapDbLogStoreCrashTest {

  private static final int DEFAULT_ROUNDS = 24;

  @TempDir Path root;

  /** Known synced entries: the first index of a run of entries to [last index, term]. */
  private final TreeMap<Long, long[]> syncedRuns = new TreeMap<>();
  private long maxSynced;
  private HardState lastSyncedHardState = HardState.INITIAL;

  @Test
  void everySyncedEntrySurvivesKillNine() throws Exception {
    int rounds = Integer.getInteger("bellwether.crash.rounds", DEFAULT_ROUNDS);
    long seed = Long.getLong("bellwether.crash.seed", System.nanoTime());
    int maxSyncsBeforeKill = Integer.getInteger("bellwether.crash.maxSyncs", 12);
    System.out.println("MapDbLogStoreCrashTest: " + rounds + " rounds, seed " + seed
        + " (replay the kill points with -Dbellwether.crash.seed=" + seed + ")");
    SplittableRandom random = new SplittableRandom(seed);
    Path dir = root.resolve("store");
    MapDbLogStore.open(dir, CrashChild.SEGMENT_BYTES).close();
    Path log = root.resolve("children.log");
    int verified = 0;
    int killedBeforeOpen = 0;
    int tornTailsCut = 0;
    int orphanSnapshotFiles = 0;
    long maxSegmentSeq = 0;
    int maxSegmentsAtOnce = 0;

    for (int round = 0; round < rounds; round++) {
      String context = "round " + round + " of seed " + seed;
      try (ChildProcess child = ChildProcess.start(log, "log", dir.toString(), Long.toString(random.nextLong()))) {
        // Mostly kill while syncing; sometimes while it opens (and repairs) the store.
        int syncsBeforeKill = random.nextInt(10) == 0 ? -1 : random.nextInt(maxSyncsBeforeKill);
        long extraMicros = random.nextLong(40_000);
        int seen = 0;
        while (true) {
          String line = child.nextLine(30_000).orElseThrow(() -> new AssertionError(
              "child died by itself in " + context + "; its log ends with:\n" + ChildProcess.tail(log, 40)));
          record(line);
          if (line.startsWith("BW SYNCED")) seen++;
          if (syncsBeforeKill < 0 && line.startsWith("BW STARTING")) break;
          if (syncsBeforeKill >= 0 && seen >= syncsBeforeKill && !line.startsWith("BW STARTING")) break;
        }
        if (syncsBeforeKill < 0) killedBeforeOpen++;
        // A random moment inside the next sync (or the open): wait that long for an exit that never comes.
        assertThat(child.process().waitFor(extraMicros, TimeUnit.MICROSECONDS)).as("child exited by itself in %s", context).isFalse();
        for (String line : child.kill()) record(line);
      }
      if (snapshotFiles(dir) > 1) orphanSnapshotFiles++;
      // Most rounds check the store here; the others leave the recovery to the next child.
      if (random.nextInt(4) != 0 || round == rounds - 1) {
        long[] found = verify(dir, context);
        verified++;
        if (found[0] > 0) tornTailsCut++;
        maxSegmentSeq = Math.max(maxSegmentSeq, found[1]);
        maxSegmentsAtOnce = (int) Math.max(maxSegmentsAtOnce, found[2]);
      }
    }
    System.out.println("MapDbLogStoreCrashTest: " + rounds + " rounds (" + killedBeforeOpen + " killed while opening), "
        + verified + " stores verified, 0 corrupt or inconsistent; " + maxSynced + " entries synced in all; a torn tail cut"
        + " off at " + tornTailsCut + " verified opens; an unreferenced snapshot file left by " + orphanSnapshotFiles
        + " kills; " + (maxSegmentSeq + 1) + " WAL segments created, at most " + maxSegmentsAtOnce + " at once");
  }

  /** Snapshot files in the store: more than one means the kill came between a snapshot's file and its switch. */
  private static long snapshotFiles(Path dir) throws java.io.IOException {
    try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(dir)) {
      return files.filter(p -> SnapshotFile.isSnapshotFile(p.getFileName().toString())).count();
    }
  }

  private void record(String line) {
    String[] f = line.split(" ");
    if (line.startsWith("BW OPENED")) {
      long term = Long.parseLong(f[3]);
      lastSyncedHardState = new HardState(term, term == 0 ? null : CrashChild.votedFor(term), Long.parseLong(f[4]));
      return;
    }
    if (!line.startsWith("BW SYNCED")) return;
    long from = Long.parseLong(f[2]);
    long to = Long.parseLong(f[3]);
    long term = Long.parseLong(f[4]);
    syncedRuns.put(from, new long[] {to, term});
    maxSynced = Math.max(maxSynced, to);
    lastSyncedHardState = new HardState(Long.parseLong(f[5]), CrashChild.votedFor(Long.parseLong(f[5])), Long.parseLong(f[6]));
  }

  /** @return torn bytes cut at this open, the newest segment's number, and how many segments there are */
  private long[] verify(Path dir, String context) {
    try (MapDbLogStore store = MapDbLogStore.open(dir, CrashChild.SEGMENT_BYTES)) {
      long first = store.firstIndex();
      long last = store.lastIndex();
      assertThat(last).as("last index after %s", context).isGreaterThanOrEqualTo(maxSynced);

      // Every entry held is whole: its bytes are exactly what its index and term imply.
      List<LogEntry> all = store.entries(first, last + 1, Long.MAX_VALUE);
      assertThat(all).as("entries after %s", context).hasSize((int) (last - first + 1));
      for (LogEntry e : all) {
        assertThat(e.data()).as("entry %d after %s", e.index(), context).isEqualTo(CrashChild.payload(e.index(), e.term()));
      }

      // Every entry reported synced is there with its term, or covered by the snapshot.
      for (Map.Entry<Long, long[]> run : syncedRuns.entrySet()) {
        for (long i = Math.max(run.getKey(), first); i <= run.getValue()[0]; i++) {
          assertThat(all.get((int) (i - first)).term()).as("term of synced entry %d after %s", i, context)
              .isEqualTo(run.getValue()[1]);
        }
      }
      Optional<Snapshot> snapshot = store.snapshot();
      if (first > 1) {
        assertThat(snapshot).as("snapshot covering compacted entries after %s", context).isPresent();
      }
      snapshot.ifPresent(s -> {
        assertThat(s.lastIndex()).isGreaterThanOrEqualTo(first - 1);
        assertThat(s.data()).isEqualTo(CrashChild.snapshotData(s.lastIndex()));
        assertThat(s.membership()).as("configuration of the snapshot at %d after %s", s.lastIndex(), context)
            .isEqualTo(CrashChild.snapshotMembership(s.lastIndex()));
        Map.Entry<Long, long[]> run = syncedRuns.floorEntry(s.lastIndex());
        if (run != null && run.getValue()[0] >= s.lastIndex()) assertThat(s.lastTerm()).isEqualTo(run.getValue()[1]);
      });

      // The hard state is the last synced one or a later staged one (the child only moves it forward).
      HardState hs = store.hardState();
      assertThat(hs.term()).as("hard state term after %s", context)
          .isBetween(lastSyncedHardState.term(), lastSyncedHardState.term() + 1);
      assertThat(hs.commitIndex()).as("commit index after %s", context).isGreaterThanOrEqualTo(lastSyncedHardState.commitIndex());
      assertThat(hs.commitIndex()).as("commit index after %s", context).isLessThanOrEqualTo(last);
      if (hs.term() > 0) assertThat(hs.votedFor()).isEqualTo(CrashChild.votedFor(hs.term()));
      List<Segment> segments = store.segments();
      return new long[] {store.tornBytesAtOpen(), segments.get(segments.size() - 1).seq(), segments.size()};
    }
  }
}
