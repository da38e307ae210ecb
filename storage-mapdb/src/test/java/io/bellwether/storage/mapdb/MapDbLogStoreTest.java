package io.bellwether.storage.mapdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bellwether.core.HardState;
import io.bellwether.core.LogEntry;
import io.bellwether.core.spi.LogStore;
import io.bellwether.core.spi.NodeContext;
import io.bellwether.core.spi.Settings;
import io.bellwether.core.spi.Snapshot;
import io.bellwether.core.spi.StorageException;
import io.bellwether.core.spi.StorageProvider;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// Goal: prove the store keeps what it synced and refuses what it cannot trust: a locked directory, foreign,
// missing or damaged files, a bad checksum; and that a torn tail (the interrupted sync) is cut off, nothing more.
// Method: real stores in temporary directories; damage is done by editing the files between close and open.
class MapDbLogStoreTest {

  private static final long SMALL_SEGMENTS = 64 * 1024;

  @TempDir Path root;

  @Test
  void secondOpenInTheSameProcessFailsNamingTheDirectory() {
    Path dir = root.resolve("store");
    try (MapDbLogStore first = MapDbLogStore.open(dir, SMALL_SEGMENTS)) {
      assertThatThrownBy(() -> MapDbLogStore.open(dir, SMALL_SEGMENTS))
          .isInstanceOf(StorageException.class)
          .hasMessageContaining(dir.toString())
          .hasMessageContaining("locked");
      assertThat(first.lastIndex()).isZero();
    }
    MapDbLogStore.open(dir, SMALL_SEGMENTS).close();
  }

  @Test
  void openWhileAnotherProcessHoldsTheDirectoryFailsAtOnce() throws Exception {
    Path dir = root.resolve("store");
    MapDbLogStore.open(dir, CrashChild.SEGMENT_BYTES).close();
    try (ChildProcess holder = ChildProcess.start(root.resolve("child.log"), "hold", dir.toString())) {
      String line;
      do {
        line = holder.nextLine(30_000).orElseThrow(() -> new AssertionError("holder died"));
      } while (!line.startsWith("BW OPENED"));

      long started = System.nanoTime();
      assertThatThrownBy(() -> MapDbLogStore.open(dir, SMALL_SEGMENTS))
          .isInstanceOf(StorageException.class)
          .hasMessageContaining(dir.toString())
          .hasMessageContaining("locked");
      assertThat(System.nanoTime() - started).as("fails at once, without waiting").isLessThan(2_000_000_000L);

      holder.process().getOutputStream().close(); // the holder closes its store and exits
      assertThat(holder.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    MapDbLogStore.open(dir, SMALL_SEGMENTS).close();
  }

  @Test
  void newDirectoryIsCreatedAndAnEmptyOneIsUsed() throws IOException {
    try (MapDbLogStore store = MapDbLogStore.open(root.resolve("a/b/new"), SMALL_SEGMENTS)) {
      assertThat(store.lastIndex()).isZero();
    }
    Path empty = Files.createDirectory(root.resolve("empty"));
    try (MapDbLogStore store = MapDbLogStore.open(empty, SMALL_SEGMENTS)) {
      assertThat(store.hardState()).isEqualTo(HardState.INITIAL);
    }
  }

  @Test
  void directoryWithOtherFilesButNoStoreIsRefused() throws IOException {
    Path dir = Files.createDirectory(root.resolve("foreign"));
    Files.writeString(dir.resolve("notes.txt"), "not a store");

    assertThatThrownBy(() -> MapDbLogStore.open(dir, SMALL_SEGMENTS))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining(dir.toString())
        .hasMessageContaining("refusing");
    assertThat(dir.resolve(MapDbLogStore.WAL_DIRECTORY)).doesNotExist();
  }

  @Test
  void storeWithItsWalDeletedButASnapshotLeftIsRefused() throws IOException {
    Path dir = storeWithEntries(50);
    try (MapDbLogStore store = MapDbLogStore.open(dir, SMALL_SEGMENTS)) {
      store.saveSnapshot(new Snapshot(40, 1, new byte[] {4, 0}));
      store.sync();
    }
    deleteRecursively(dir.resolve(MapDbLogStore.WAL_DIRECTORY));

    assertThatThrownBy(() -> MapDbLogStore.open(dir, SMALL_SEGMENTS))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("refusing");
  }

  @Test
  void walWithoutSegmentsOrWithAForeignFileIsRefused() throws IOException {
    Path dir = storeWithEntries(10);
    Path wal = dir.resolve(MapDbLogStore.WAL_DIRECTORY);
    Files.writeString(wal.resolve("stray.bin"), "?");
    assertThatThrownBy(() -> MapDbLogStore.open(dir, SMALL_SEGMENTS)).isInstanceOf(StorageException.class).hasMessageContaining("stray.bin");

    Files.delete(wal.resolve("stray.bin"));
    for (Path segment : segmentFiles(dir)) Files.delete(segment);
    assertThatThrownBy(() -> MapDbLogStore.open(dir, SMALL_SEGMENTS)).isInstanceOf(StorageException.class).hasMessageContaining("no segment");
  }

  @Test
  void missingSegmentIsRefused() throws IOException {
    Path dir = storeWithEntries(5000); // several 64 KiB segments, nothing compacted
    List<Path> segments = segmentFiles(dir);
    assertThat(segments).hasSizeGreaterThanOrEqualTo(4);

    Files.delete(segments.get(1));
    assertThatThrownBy(() -> MapDbLogStore.open(dir, SMALL_SEGMENTS)).isInstanceOf(StorageException.class).hasMessageContaining("missing");

    // Without the oldest segment, the entries it held (never compacted) are gone: refused, not skipped.
    Files.delete(segments.get(0));
    assertThatThrownBy(() -> MapDbLogStore.open(dir, SMALL_SEGMENTS)).isInstanceOf(StorageException.class).hasMessageContaining("lacks entries from 1");
  }

  @Test
  void garbageOverASegmentIsAnErrorNotAFreshStart() throws IOException {
    Path dir = storeWithEntries(50);
    Path segment = segmentFiles(dir).get(0);
    byte[] bytes = Files.readAllBytes(segment);
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < bytes.length; i += 1 + random.nextInt(16)) bytes[i] = (byte) random.nextInt();
    Files.write(segment, bytes);
    assertThatThrownBy(() -> MapDbLogStore.open(dir, SMALL_SEGMENTS)).isInstanceOf(StorageException.class).hasMessageContaining(segment.toString());

    Files.write(segment, new byte[0]);
    assertThatThrownBy(() -> MapDbLogStore.open(dir, SMALL_SEGMENTS)).isInstanceOf(StorageException.class).hasMessageContaining("checkpoint");
  }

  @Test
  void tornTailIsCutOffAndTheStoreGoesOn() throws IOException {
    Path dir = storeWithEntries(50); // 5 frames of 10 entries after the head
    Path segment = segmentFiles(dir).get(0);
    List<long[]> frames = frames(segment);
    long[] lastFrame = frames.get(frames.size() - 1);
    // The last sync was interrupted: the second half of its frame never reached the disk, and junk follows.
    byte[] bytes = Files.readAllBytes(segment);
    long half = lastFrame[0] + (lastFrame[1] - lastFrame[0]) / 2;
    for (long i = half; i < lastFrame[1]; i++) bytes[(int) i] = 0;
    for (long i = lastFrame[1] + 100; i < lastFrame[1] + 300; i++) bytes[(int) i] = (byte) 0xA5;
    Files.write(segment, bytes);

    try (MapDbLogStore store = MapDbLogStore.open(dir, SMALL_SEGMENTS)) {
      assertThat(store.lastIndex()).as("the torn sync (41..50) is gone whole").isEqualTo(40);
      assertThat(store.entries(1, 41, Long.MAX_VALUE)).extracting(LogEntry::data).containsExactlyElementsOf(markers(1, 40));
      store.append(batch(41, 5, 2));
      store.sync();
    }
    byte[] after = Files.readAllBytes(segment);
    assertThat(java.util.Arrays.copyOfRange(after, (int) lastFrame[1] + 100, (int) lastFrame[1] + 300))
        .as("junk zeroed").containsOnly((byte) 0);
    try (MapDbLogStore store = MapDbLogStore.open(dir, SMALL_SEGMENTS)) {
      assertThat(store.lastIndex()).isEqualTo(45);
      assertThat(store.term(45)).isEqualTo(2);
    }
  }

  @Test
  void damageFollowedByValidFramesIsRefusedNamingFileAndOffset() throws IOException {
    Path dir = storeWithEntries(50);
    Path segment = segmentFiles(dir).get(0);
    long[] third = frames(segment).get(3);
    byte[] bytes = Files.readAllBytes(segment);
    bytes[(int) third[0] + 26] ^= 0x01; // the frame number field: fails the frame's CRC
    Files.write(segment, bytes);

    assertThatThrownBy(() -> MapDbLogStore.open(dir, SMALL_SEGMENTS))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining(segment.toString())
        .hasMessageContaining("offset " + third[0])
        .hasMessageContaining("refusing");
  }

  @Test
  void flippedEntryBytesAreRefusedNamingTheIndex() throws IOException {
    Path dir = storeWithEntries(50);
    Path segment = segmentFiles(dir).get(0);
    // Entry 42 sits in the last frame: with nothing valid after it, a damaged last frame cannot be told from a
    // torn one (as in etcd), so a later synced frame is put after it first.
    List<long[]> frames = frames(segment);
    appendRawFrameAfter(segment, frames.get(frames.size() - 1));
    byte[] bytes = Files.readAllBytes(segment);
    int at = indexOf(bytes, marker(42));
    bytes[at + 8] ^= 0x20;
    Files.write(segment, bytes);

    assertThatThrownBy(() -> MapDbLogStore.open(dir, SMALL_SEGMENTS))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining(segment.toString())
        .hasMessageContaining("index 42");
  }

  @Test
  void entryChecksumCatchesWhatTheFrameChecksumMissed() throws IOException {
    Path dir = storeWithEntries(50);
    Path segment = segmentFiles(dir).get(0);
    byte[] bytes = Files.readAllBytes(segment);
    int at = indexOf(bytes, marker(17));
    bytes[at + 3] ^= 0x04;
    long[] frame = frames(segment).stream().filter(f -> f[0] < at && at < f[1]).findFirst().orElseThrow();
    resealFrame(bytes, (int) frame[0]); // damage done before framing: the frame's own CRC agrees
    Files.write(segment, bytes);

    assertThatThrownBy(() -> MapDbLogStore.open(dir, SMALL_SEGMENTS))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("index 17")
        .hasMessageContaining("checksum mismatch")
        .hasMessageContaining(segment.toString());
  }

  @Test
  void rotationAndCompactionDeleteOldSegmentsKeepingHardStateAndSnapshot() throws IOException {
    Path dir = root.resolve("store");
    HardState hs = new HardState(7, "n3", 2500);
    try (MapDbLogStore store = MapDbLogStore.open(dir, SMALL_SEGMENTS)) {
      store.saveHardState(hs);
      for (long i = 1; i <= 5000; i += 10) {
        store.append(batch(i, 10, 1));
        store.sync();
      }
      assertThat(store.segments()).hasSizeGreaterThanOrEqualTo(4);
      store.saveSnapshot(new Snapshot(4900, 1, "state@4900".getBytes(StandardCharsets.UTF_8)));
      store.compactPrefix(4800);
      store.sync();
      assertThat(store.segments()).as("segments holding only compacted entries are gone").hasSizeLessThanOrEqualTo(2);
      assertThat(store.segments().get(0).seq()).isPositive();
    }
    assertThat(segmentFiles(dir)).hasSizeLessThanOrEqualTo(2);
    try (MapDbLogStore store = MapDbLogStore.open(dir, SMALL_SEGMENTS)) {
      assertThat(store.hardState()).isEqualTo(hs);
      assertThat(store.snapshot()).hasValueSatisfying(s -> {
        assertThat(s.lastIndex()).isEqualTo(4900);
        assertThat(s.data()).isEqualTo("state@4900".getBytes(StandardCharsets.UTF_8));
      });
      assertThat(store.firstIndex()).isEqualTo(4801);
      assertThat(store.lastIndex()).isEqualTo(5000);
      assertThat(store.entries(4801, 5001, Long.MAX_VALUE)).extracting(LogEntry::data).containsExactlyElementsOf(markers(4801, 5000));
    }
  }

  @Test
  void aFrameLargerThanASegmentGetsALargerSegment() {
    Path dir = storeWithEntries(10);
    try (MapDbLogStore store = MapDbLogStore.open(dir, SMALL_SEGMENTS)) {
      store.append(batch(11, 3000, 1)); // about 150 KB in one frame, over twice the segment size
      store.sync();
      assertThat(store.segments()).hasSize(2);
    }
    try (MapDbLogStore store = MapDbLogStore.open(dir, SMALL_SEGMENTS)) {
      assertThat(store.entries(1, 3011, Long.MAX_VALUE)).extracting(LogEntry::data).containsExactlyElementsOf(markers(1, 3010));
    }
  }

  @Test
  void snapshotFileTornByACrashIsIgnoredAndThePreviousOneStaysUsable() throws IOException {
    Path dir = storeWithEntries(50);
    Snapshot previous = new Snapshot(20, 1, "state@20".getBytes(StandardCharsets.UTF_8));
    try (MapDbLogStore store = MapDbLogStore.open(dir, SMALL_SEGMENTS)) {
      store.saveSnapshot(previous);
      store.compactPrefix(10);
      store.sync();
      // The next snapshot is staged; the crash comes while its file is being written, before its WAL record.
      store.saveSnapshot(new Snapshot(40, 1, new byte[] {1, 2, 3}));
    }
    Path torn = dir.resolve(SnapshotFile.name(40, 1, 1_000));
    Files.write(torn, new byte[] {0, 0, 0, 42, 7});

    try (MapDbLogStore store = MapDbLogStore.open(dir, SMALL_SEGMENTS)) {
      assertThat(store.snapshot()).contains(previous);
      assertThat(store.firstIndex()).isEqualTo(11);
    }
    assertThat(torn).as("never referenced, so deleted").doesNotExist();
    assertThat(snapshotFiles(dir)).hasSize(1);
  }

  @Test
  void preparedSnapshotFileIsTheOneSavedAndUnusedOnesDoNotPileUp() throws IOException {
    Path dir = storeWithEntries(50);
    Snapshot first = new Snapshot(20, 1, "state@20".getBytes(StandardCharsets.UTF_8));
    Snapshot second = new Snapshot(30, 1, "state@30".getBytes(StandardCharsets.UTF_8));
    try (MapDbLogStore store = MapDbLogStore.open(dir, SMALL_SEGMENTS)) {
      store.prepareSnapshot(first);
      store.prepareSnapshot(second); // supersedes the first, never saved: its file goes
      assertThat(snapshotFiles(dir)).hasSize(1);
      Path preparedFile = snapshotFiles(dir).get(0);
      long written = Files.getLastModifiedTime(preparedFile).toMillis();

      store.saveSnapshot(second);
      store.compactPrefix(25);
      store.sync();

      // The sync named the prepared file in the WAL instead of writing a second copy.
      assertThat(snapshotFiles(dir)).containsExactly(preparedFile);
      assertThat(Files.getLastModifiedTime(preparedFile).toMillis()).isEqualTo(written);
    }
    try (MapDbLogStore store = MapDbLogStore.open(dir, SMALL_SEGMENTS)) {
      assertThat(store.snapshot()).contains(second);
      assertThat(store.firstIndex()).isEqualTo(26);
      store.prepareSnapshot(new Snapshot(40, 1, new byte[] {4}));
    }
    // Prepared and never saved before the store closed: deleted when it opens again.
    try (MapDbLogStore store = MapDbLogStore.open(dir, SMALL_SEGMENTS)) {
      assertThat(store.snapshot()).contains(second);
    }
    assertThat(snapshotFiles(dir)).hasSize(1);
  }

  @Test
  void damagedOrMissingSnapshotFileIsRefused() throws IOException {
    Path dir = storeWithEntries(50);
    try (MapDbLogStore store = MapDbLogStore.open(dir, SMALL_SEGMENTS)) {
      store.saveSnapshot(new Snapshot(20, 1, "state@20".getBytes(StandardCharsets.UTF_8)));
      store.sync();
      store.saveSnapshot(new Snapshot(30, 1, "state@30".getBytes(StandardCharsets.UTF_8)));
      store.sync();
    }
    List<Path> files = snapshotFiles(dir);
    assertThat(files).as("the replaced snapshot's file was deleted").hasSize(1);
    Path file = files.get(0);
    byte[] bytes = Files.readAllBytes(file);
    int at = indexOf(bytes, "state@30".getBytes(StandardCharsets.UTF_8));
    bytes[at] ^= 0x01;
    Files.write(file, bytes);
    assertThatThrownBy(() -> MapDbLogStore.open(dir, SMALL_SEGMENTS))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("checksum");

    Files.delete(file);
    assertThatThrownBy(() -> MapDbLogStore.open(dir, SMALL_SEGMENTS))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("missing");
  }

  @Test
  void cuttingInsideStoredBatchesSurvivesReopen() {
    Path dir = storeWithEntries(50);
    try (MapDbLogStore store = MapDbLogStore.open(dir, SMALL_SEGMENTS)) {
      store.truncateSuffix(25);
      store.append(batch(25, 2, 2));
      store.saveSnapshot(new Snapshot(23, 1, new byte[] {1}));
      store.compactPrefix(23);
      assertThat(store.entries(24, 27, Long.MAX_VALUE)).extracting(LogEntry::term).containsExactly(1L, 2L, 2L);
      store.sync();
    }
    try (MapDbLogStore store = MapDbLogStore.open(dir, SMALL_SEGMENTS)) {
      assertThat(store.firstIndex()).isEqualTo(24);
      assertThat(store.lastIndex()).isEqualTo(26);
      assertThat(store.term(23)).isEqualTo(1);
      assertThat(store.entries(24, 27, Long.MAX_VALUE)).extracting(LogEntry::data).containsExactlyElementsOf(markers(24, 26));
    }
  }

  @Test
  void providerIsFoundByNameAndOpensUnderTheDataDirectory() {
    StorageProvider provider = ServiceLoader.load(StorageProvider.class).stream()
        .map(ServiceLoader.Provider::get)
        .filter(p -> p.name().equals("mapdb"))
        .findFirst()
        .orElseThrow();
    NodeContext context = new NodeContext("c", "n1", root.resolve("node"),
        Settings.empty().with(MapDbStorageProvider.SEGMENT_BYTES, Long.toString(SMALL_SEGMENTS)));

    try (LogStore store = provider.open(context)) {
      store.append(List.of(LogEntry.command(1, 1, marker(1))));
      store.sync();
    }
    assertThat(root.resolve("node").resolve(MapDbStorageProvider.LOG_DIRECTORY).resolve(MapDbLogStore.WAL_DIRECTORY)).isDirectory();
    assertThat(java.util.logging.Logger.getLogger("org.mapdb").getHandlers())
        .anyMatch(h -> h instanceof org.slf4j.bridge.SLF4JBridgeHandler);
    assertThatThrownBy(() -> provider.open(new NodeContext("c", "n1", null, Settings.empty())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dataDir");
    assertThatThrownBy(() -> provider.open(new NodeContext("c", "n2", root.resolve("n2"),
            Settings.empty().with(MapDbStorageProvider.SEGMENT_BYTES, "12"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(MapDbStorageProvider.SEGMENT_BYTES);
  }

  // ---- helpers

  /** A store in {@code root/store} holding entries 1..count of term 1, one synced frame per 10, closed. */
  private Path storeWithEntries(int count) {
    Path dir = root.resolve("store");
    try (MapDbLogStore store = MapDbLogStore.open(dir, SMALL_SEGMENTS)) {
      for (long i = 1; i <= count; i += 10) {
        store.append(batch(i, (int) Math.min(10, count - i + 1), 1));
        store.sync();
      }
    }
    return dir;
  }

  private static List<LogEntry> batch(long from, int count, long term) {
    List<LogEntry> out = new ArrayList<>();
    for (long i = from; i < from + count; i++) out.add(LogEntry.command(term, i, marker(i)));
    return out;
  }

  /** Distinctive payload bytes for entry {@code index}, easy to find in a file. */
  private static byte[] marker(long index) {
    return String.format("<<entry-%06d-payload>>", index).getBytes(StandardCharsets.UTF_8);
  }

  private static List<byte[]> markers(long from, long to) {
    List<byte[]> out = new ArrayList<>();
    for (long i = from; i <= to; i++) out.add(marker(i));
    return out;
  }

  private static List<Path> segmentFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir.resolve(MapDbLogStore.WAL_DIRECTORY))) {
      return files.filter(p -> p.toString().endsWith(Segment.SUFFIX)).sorted().toList();
    }
  }

  private static List<Path> snapshotFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> SnapshotFile.isSnapshotFile(p.getFileName().toString())).toList();
    }
  }

  /** [start, end) of every valid frame of a segment, the head first. */
  private static List<long[]> frames(Path segment) throws IOException {
    List<long[]> out = new ArrayList<>();
    long seq = Segment.parse(segment).orElseThrow().seq();
    try (var ch = java.nio.channels.FileChannel.open(segment)) {
      long at = 0;
      for (WalFrame.Read f = WalFrame.read(ch, ch.size(), seq, at); f != null; f = WalFrame.read(ch, ch.size(), seq, at)) {
        out.add(new long[] {at, f.end()});
        at = f.end();
      }
    }
    return out;
  }

  /** Writes a valid frame (a hard state record) right after {@code last}, as a later sync would have. */
  private static void appendRawFrameAfter(Path segment, long[] last) throws IOException {
    long seq = Segment.parse(segment).orElseThrow().seq();
    byte[] bytes = Files.readAllBytes(segment);
    long frameSeq = ByteBuffer.wrap(bytes).getLong((int) last[0] + 24) + 1;
    GrowableBuffer buffer = new GrowableBuffer(64);
    WalFrame.begin(buffer);
    WalFrame.add(buffer, List.of(new WalRecord.SetHardState(new HardState(9, null, 0))));
    ByteBuffer frame = WalFrame.finish(buffer, seq, last[1], frameSeq);
    frame.get(bytes, (int) last[1], frame.remaining());
    Files.write(segment, bytes);
  }

  /** Recomputes the CRC of the frame at {@code at}, as if its payload had been damaged before it was framed. */
  private static void resealFrame(byte[] bytes, int at) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    int payload = b.getInt(at + 4);
    b.putInt(at + 32, 0);
    CRC32C crc = new CRC32C();
    crc.update(bytes, at, WalFrame.HEADER_BYTES + payload);
    b.putInt(at + 32, (int) crc.getValue());
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
      return i;
    }
    throw new AssertionError("not found: " + new String(needle, StandardCharsets.UTF_8));
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
    }
  }
}
