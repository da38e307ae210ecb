package io.bellwether.storage.mapdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bellwether.core.HardState;
import io.bellwether.core.LogEntry;
import io.bellwether.core.spi.LogStore;
import io.bellwether.core.spi.NodeContext;
import io.bellwether.core.spi.Settings;
import io.bellwether.core.spi.StorageException;
import io.bellwether.core.spi.StorageProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// Goal: prove the store refuses what it cannot trust: a locked directory, foreign or damaged files, a bad checksum.
// Method: real stores in temporary directories; damage is done by editing the files between close and open.
class MapDbLogStoreTest {

  @TempDir Path root;

  @Test
  void secondOpenInTheSameProcessFailsNamingTheDirectory() {
    Path dir = root.resolve("store");
    try (MapDbLogStore first = MapDbLogStore.open(dir)) {
      assertThatThrownBy(() -> MapDbLogStore.open(dir))
          .isInstanceOf(StorageException.class)
          .hasMessageContaining(dir.toString())
          .hasMessageContaining("locked");
      assertThat(first.lastIndex()).isZero();
    }
    MapDbLogStore.open(dir).close();
  }

  @Test
  void openWhileAnotherProcessHoldsTheDirectoryFailsAtOnce() throws Exception {
    Path dir = root.resolve("store");
    MapDbLogStore.open(dir).close();
    try (ChildProcess holder = ChildProcess.start(root.resolve("child.log"), "hold", dir.toString())) {
      String line;
      do {
        line = holder.nextLine(30_000).orElseThrow(() -> new AssertionError("holder died"));
      } while (!line.startsWith("BW OPENED"));

      long started = System.nanoTime();
      assertThatThrownBy(() -> MapDbLogStore.open(dir))
          .isInstanceOf(StorageException.class)
          .hasMessageContaining(dir.toString())
          .hasMessageContaining("locked");
      assertThat(System.nanoTime() - started).as("fails at once, without waiting").isLessThan(2_000_000_000L);

      holder.process().getOutputStream().close(); // the holder closes its store and exits
      assertThat(holder.process().waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    }
    MapDbLogStore.open(dir).close();
  }

  @Test
  void newDirectoryIsCreatedAndAnEmptyOneIsUsed() throws IOException {
    try (MapDbLogStore store = MapDbLogStore.open(root.resolve("a/b/new"))) {
      assertThat(store.lastIndex()).isZero();
    }
    Path empty = Files.createDirectory(root.resolve("empty"));
    try (MapDbLogStore store = MapDbLogStore.open(empty)) {
      assertThat(store.hardState()).isEqualTo(HardState.INITIAL);
    }
  }

  @Test
  void directoryWithOtherFilesButNoStoreIsRefused() throws IOException {
    Path dir = Files.createDirectory(root.resolve("foreign"));
    Files.writeString(dir.resolve("notes.txt"), "not a store");

    assertThatThrownBy(() -> MapDbLogStore.open(dir))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining(dir.toString())
        .hasMessageContaining("refusing");
    assertThat(dir.resolve(MapDbLogStore.COPY_A)).doesNotExist();
  }

  @Test
  void storeWithItsControlFileDeletedIsRefused() throws IOException {
    Path dir = storeWithEntries(10);
    Files.delete(dir.resolve(ControlFile.FILE_NAME));

    assertThatThrownBy(() -> MapDbLogStore.open(dir)).isInstanceOf(StorageException.class).hasMessageContaining("refusing");
  }

  @Test
  void missingCopyIsAnError() throws IOException {
    Path dir = storeWithEntries(10);
    Files.delete(dir.resolve(MapDbLogStore.COPY_B));

    assertThatThrownBy(() -> MapDbLogStore.open(dir)).isInstanceOf(StorageException.class).hasMessageContaining("missing");
  }

  @Test
  void controlFileWithBothSlotsDamagedIsAnError() throws IOException {
    Path dir = storeWithEntries(10);
    byte[] control = Files.readAllBytes(dir.resolve(ControlFile.FILE_NAME));
    control[20] ^= 0x55;
    control[ControlFile.SLOT_BYTES + 20] ^= 0x55;
    Files.write(dir.resolve(ControlFile.FILE_NAME), control);

    assertThatThrownBy(() -> MapDbLogStore.open(dir))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("control file")
        .hasMessageContaining("corrupt");
  }

  @Test
  void controlFileWithOneSlotDamagedFallsBackToTheOther() throws IOException {
    Path dir = root.resolve("store");
    try (MapDbLogStore store = MapDbLogStore.open(dir)) {
      store.saveHardState(new HardState(4, "n2", 0));
      store.sync();
    }
    long latest;
    try (ControlFile control = ControlFile.open(dir)) {
      latest = control.latest().sequence();
    }
    byte[] bytes = Files.readAllBytes(dir.resolve(ControlFile.FILE_NAME));
    bytes[(int) (latest % 2) * ControlFile.SLOT_BYTES + 30] ^= 0x01; // tear the latest slot
    Files.write(dir.resolve(ControlFile.FILE_NAME), bytes);

    try (MapDbLogStore store = MapDbLogStore.open(dir)) {
      assertThat(store.hardState()).isEqualTo(new HardState(4, "n2", 0));
    }
  }

  @Test
  void flippedEntryBytesInTheFileFailWithTheIndex() throws IOException {
    Path dir = storeWithEntries(50);
    flipFirst(dir.resolve(MapDbLogStore.COPY_A), marker(42));

    assertThatThrownBy(() -> MapDbLogStore.open(dir))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("index 42")
        .hasMessageContaining(MapDbLogStore.COPY_A);
  }

  @Test
  void flippedEntryBytesInTheSecondCopyAreFoundToo() throws IOException {
    Path dir = storeWithEntries(50);
    flipFirst(dir.resolve(MapDbLogStore.COPY_B), marker(7));

    assertThatThrownBy(() -> MapDbLogStore.open(dir))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("disagree");
  }

  @Test
  void garbageOverTheStoreFileIsAnErrorNotAFreshStart() throws IOException {
    Path dir = storeWithEntries(50);
    Path file = dir.resolve(MapDbLogStore.COPY_A);
    byte[] bytes = Files.readAllBytes(file);
    java.util.Random random = new java.util.Random(7);
    for (int i = 0; i < bytes.length; i += 1 + random.nextInt(16)) bytes[i] = (byte) random.nextInt();
    Files.write(file, bytes);

    assertThatThrownBy(() -> MapDbLogStore.open(dir)).isInstanceOf(StorageException.class);
    Files.write(file, new byte[0]);
    assertThatThrownBy(() -> MapDbLogStore.open(dir)).isInstanceOf(StorageException.class);
    // Refusing must not have damaged anything else: the other copy still holds the log.
    assertThat(Files.size(dir.resolve(MapDbLogStore.COPY_B))).isPositive();
  }

  @Test
  void checksumMismatchOnReadNamesTheIndex() {
    List<LogEntry> entries = new ArrayList<>();
    for (long i = 1; i <= 3; i++) entries.add(LogEntry.command(1, i, marker(i)));
    byte[] batch = BatchRecord.encode(entries);
    int at = indexOf(batch, marker(2));
    batch[at] ^= 0x01;

    assertThatThrownBy(() -> BatchRecord.decode(batch, 1, Integer.MAX_VALUE, "test-file"))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("index 2")
        .hasMessageContaining("checksum mismatch")
        .hasMessageContaining("test-file");
    assertThat(BatchRecord.decode(batch, 1, 1, "test-file")).containsExactly(entries.get(0));
  }

  @Test
  void entriesReadAfterReopenComeFromTheFileAndMatch() {
    Path dir = storeWithEntries(1000);
    try (MapDbLogStore store = MapDbLogStore.open(dir)) {
      List<LogEntry> read = store.entries(1, 1001, Long.MAX_VALUE);
      assertThat(read).hasSize(1000);
      for (LogEntry e : read) assertThat(e.data()).isEqualTo(marker(e.index()));
      assertThat(store.entries(500, 1001, 3 * read.get(0).sizeBytes())).extracting(LogEntry::index).containsExactly(500L, 501L, 502L);
    }
  }

  @Test
  void cuttingInsideStoredBatchesSurvivesReopen() {
    Path dir = storeWithEntries(50); // batches 1-10, 11-20, ...: reopened, so read from the file
    try (MapDbLogStore store = MapDbLogStore.open(dir)) {
      store.truncateSuffix(25);
      store.append(List.of(LogEntry.command(2, 25, marker(25)), LogEntry.command(2, 26, marker(26))));
      store.saveSnapshot(new io.bellwether.core.spi.Snapshot(23, 1, new byte[] {1}));
      store.compactPrefix(23);
      assertThat(store.entries(24, 27, Long.MAX_VALUE)).extracting(LogEntry::term).containsExactly(1L, 2L, 2L);
      store.sync();
    }
    try (MapDbLogStore store = MapDbLogStore.open(dir)) {
      assertThat(store.firstIndex()).isEqualTo(24);
      assertThat(store.lastIndex()).isEqualTo(26);
      assertThat(store.term(23)).isEqualTo(1);
      List<LogEntry> read = store.entries(24, 27, Long.MAX_VALUE);
      assertThat(read).extracting(LogEntry::term).containsExactly(1L, 2L, 2L);
      for (LogEntry e : read) assertThat(e.data()).isEqualTo(marker(e.index()));
    }
  }

  @Test
  void providerIsFoundByNameAndOpensUnderTheDataDirectory() {
    StorageProvider provider = ServiceLoader.load(StorageProvider.class).stream()
        .map(ServiceLoader.Provider::get)
        .filter(p -> p.name().equals("mapdb"))
        .findFirst()
        .orElseThrow();
    NodeContext context = new NodeContext("c", "n1", root.resolve("node"), Settings.empty());

    try (LogStore store = provider.open(context)) {
      store.append(List.of(LogEntry.command(1, 1, marker(1))));
      store.sync();
    }
    assertThat(root.resolve("node").resolve(MapDbStorageProvider.LOG_DIRECTORY).resolve(ControlFile.FILE_NAME)).exists();
    assertThat(java.util.logging.Logger.getLogger("org.mapdb").getHandlers())
        .anyMatch(h -> h instanceof org.slf4j.bridge.SLF4JBridgeHandler);
    assertThatThrownBy(() -> provider.open(new NodeContext("c", "n1", null, Settings.empty())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dataDir");
  }

  /** A store in {@code root/store} holding entries 1..count, batch by batch, synced and closed. */
  private Path storeWithEntries(int count) {
    Path dir = root.resolve("store");
    try (MapDbLogStore store = MapDbLogStore.open(dir)) {
      for (long i = 1; i <= count; i += 10) {
        List<LogEntry> batch = new ArrayList<>();
        for (long j = i; j < i + 10 && j <= count; j++) batch.add(LogEntry.command(1, j, marker(j)));
        store.append(batch);
        store.sync();
      }
    }
    return dir;
  }

  /** Distinctive payload bytes for entry {@code index}, easy to find in a file. */
  private static byte[] marker(long index) {
    return String.format("<<entry-%06d-payload>>", index).getBytes(StandardCharsets.UTF_8);
  }

  private static void flipFirst(Path file, byte[] needle) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    int at = indexOf(bytes, needle);
    assertThat(at).as("payload found in %s", file).isNotNegative();
    bytes[at + 8] ^= 0x20;
    Files.write(file, bytes);
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
      return i;
    }
    return -1;
  }
}
