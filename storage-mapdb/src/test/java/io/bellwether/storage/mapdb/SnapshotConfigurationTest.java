package io.bellwether.storage.mapdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bellwether.core.LogEntry;
import io.bellwether.core.Member;
import io.bellwether.core.Membership;
import io.bellwether.core.codec.CodecException;
import io.bellwether.core.codec.MembershipCodec;
import io.bellwether.core.spi.Snapshot;
import io.bellwether.core.spi.StorageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.Serializer;

// Goal: a snapshot file keeps the snapshot's configuration; a file of the earlier format (no
// configuration) still opens, as a snapshot without one; and a damaged configuration is refused naming
// the file, never loaded as some other configuration.
// Method: a real store in a temporary directory; between close and open the test rewrites its snapshot
// file, either whole in the earlier layout (built here with MapDB, field by field) or one record at a time.
class SnapshotConfigurationTest {

  private static final long SMALL_SEGMENTS = 64 * 1024;
  private static final byte[] DATA = "state@40".getBytes(StandardCharsets.UTF_8);
  private static final Membership MEMBERSHIP = new Membership(35, List.of(
      new Member("n1", true, "10.0.0.1:7001", "10.0.0.1:8001"),
      Member.voter("n2"),
      Member.voter("n3"),
      Member.learner("n4", "10.0.0.4:7001", null)));

  @TempDir Path root;
  private int stores;

  @Test
  void aSnapshotFileOfTheEarlierFormatOpensAsASnapshotWithoutAConfiguration() throws IOException {
    Path dir = storeWithSnapshot(MEMBERSHIP);
    Path file = onlySnapshotFile(dir);
    Files.delete(file);
    writeEarlierFormat(file, db -> {});

    try (MapDbLogStore store = MapDbLogStore.open(dir, SMALL_SEGMENTS)) {
      assertThat(store.snapshot()).contains(new Snapshot(40, 1, DATA));
      assertThat(store.firstIndex()).isEqualTo(31);
      assertThat(store.entries(31, 51, Long.MAX_VALUE)).hasSize(20);
      // And it goes on: the next snapshot is written in the current format, configuration included.
      store.saveSnapshot(new Snapshot(50, 1, MEMBERSHIP.atIndex(45), DATA));
      store.sync();
    }
    try (MapDbLogStore store = MapDbLogStore.open(dir, SMALL_SEGMENTS)) {
      assertThat(store.snapshot().orElseThrow().membership()).isEqualTo(MEMBERSHIP.atIndex(45));
    }
  }

  @Test
  void aDamagedConfigurationThatStillDecodesIsRefusedByItsChecksum() throws IOException {
    Path dir = storeWithSnapshot(MEMBERSHIP);
    Path file = onlySnapshotFile(dir);
    // n1 demoted to a learner: valid bytes, a configuration nobody chose.
    byte[] damaged = MembershipCodec.encode(MEMBERSHIP.with(new Member("n1", false, "10.0.0.1:7001", "10.0.0.1:8001")));
    edit(file, db -> db.atomicVar(SnapshotConfiguration.BYTES, Serializer.BYTE_ARRAY).open().set(damaged));

    assertThatThrownBy(() -> MapDbLogStore.open(dir, SMALL_SEGMENTS))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("damaged configuration: checksum mismatch");
  }

  @Test
  void configurationBytesThatDoNotDecodeAreRefusedNamingTheFile() throws IOException {
    byte[] valid = MembershipCodec.encode(MEMBERSHIP);
    List<byte[]> undecodable = List.of(
        Arrays.copyOf(valid, valid.length - 3),
        Arrays.copyOf(valid, valid.length + 1),
        withFirstByte(valid, (byte) 9));
    for (byte[] bytes : undecodable) {
      Path dir = storeWithSnapshot(MEMBERSHIP);
      Path file = onlySnapshotFile(dir);
      // The checksum agrees: only decoding can tell.
      edit(file, db -> {
        db.atomicVar(SnapshotConfiguration.BYTES, Serializer.BYTE_ARRAY).open().set(bytes);
        db.atomicInteger(SnapshotConfiguration.CRC).open().set(crc(bytes));
      });

      assertThatThrownBy(() -> MapDbLogStore.open(dir, SMALL_SEGMENTS))
          .isInstanceOf(StorageException.class)
          .hasMessageContaining(file.toString())
          .hasMessageContaining("damaged configuration")
          .hasCauseInstanceOf(CodecException.class);
    }
  }

  @Test
  void aConfigurationSetAfterTheSnapshotIsRefused() throws IOException {
    Path dir = storeWithSnapshot(MEMBERSHIP);
    Path file = onlySnapshotFile(dir);
    byte[] later = MembershipCodec.encode(MEMBERSHIP.atIndex(41));
    edit(file, db -> {
      db.atomicVar(SnapshotConfiguration.BYTES, Serializer.BYTE_ARRAY).open().set(later);
      db.atomicInteger(SnapshotConfiguration.CRC).open().set(crc(later));
    });

    assertThatThrownBy(() -> MapDbLogStore.open(dir, SMALL_SEGMENTS))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("set at 41, past the snapshot's last index 40");
  }

  @Test
  void aConfigurationWithoutItsChecksumIsRefused() throws IOException {
    Path dir = storeWithSnapshot(MEMBERSHIP);
    Path file = onlySnapshotFile(dir);
    Files.delete(file);
    byte[] bytes = MembershipCodec.encode(MEMBERSHIP);
    writeEarlierFormat(file, db -> db.atomicVar(SnapshotConfiguration.BYTES, Serializer.BYTE_ARRAY, bytes).create());

    assertThatThrownBy(() -> MapDbLogStore.open(dir, SMALL_SEGMENTS))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("its checksum is missing");
  }

  @Test
  void aSnapshotWithoutAConfigurationIsWrittenAsNoneNotAsAnEmptyOne() throws IOException {
    Path without = storeWithSnapshot(null);
    try (MapDbLogStore store = MapDbLogStore.open(without, SMALL_SEGMENTS)) {
      assertThat(store.snapshot().orElseThrow().membership()).isNull();
    }
    Path empty = storeWithSnapshot(Membership.EMPTY);
    try (MapDbLogStore store = MapDbLogStore.open(empty, SMALL_SEGMENTS)) {
      assertThat(store.snapshot().orElseThrow().membership()).isEqualTo(Membership.EMPTY);
    }
  }

  /** A new store holding entries 31..50 and the snapshot at 40 with {@code membership}, closed. */
  private Path storeWithSnapshot(Membership membership) {
    Path dir = root.resolve("store-" + ++stores);
    try (MapDbLogStore store = MapDbLogStore.open(dir, SMALL_SEGMENTS)) {
      List<LogEntry> entries = new ArrayList<>();
      for (long i = 1; i <= 50; i++) entries.add(LogEntry.command(1, i, ("value-" + i).getBytes(StandardCharsets.UTF_8)));
      store.append(entries);
      store.saveSnapshot(new Snapshot(40, 1, membership, DATA));
      store.compactPrefix(30);
      store.sync();
    }
    return dir;
  }

  /**
   * Writes the snapshot at 40 as the store wrote every snapshot file before configurations: index,
   * term, length, CRC32C of the data, and the data in chunks; then {@code extra}, before the commit.
   */
  private static void writeEarlierFormat(Path file, Consumer<DB> extra) {
    DB db = DBMaker.fileDB(file.toFile()).fileChannelEnable().fileLockDisable().make();
    try {
      BTreeMap<Integer, byte[]> chunks =
          db.treeMap("chunks", Serializer.INTEGER, Serializer.BYTE_ARRAY).valuesOutsideNodesEnable().create();
      chunks.put(0, DATA);
      db.atomicLong("lastIndex", 40).create();
      db.atomicLong("lastTerm", 1).create();
      db.atomicLong("length", DATA.length).create();
      db.atomicInteger("crc", crc(DATA)).create();
      extra.accept(db);
      db.commit();
    } finally {
      db.close();
    }
  }

  private static void edit(Path file, Consumer<DB> change) {
    DB db = DBMaker.fileDB(file.toFile()).fileChannelEnable().fileLockDisable().make();
    try {
      change.accept(db);
      db.commit();
    } finally {
      db.close();
    }
  }

  private static Path onlySnapshotFile(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> snapshots = files.filter(p -> SnapshotFile.isSnapshotFile(p.getFileName().toString())).toList();
      assertThat(snapshots).hasSize(1);
      return snapshots.get(0);
    }
  }

  private static byte[] withFirstByte(byte[] bytes, byte first) {
    byte[] copy = bytes.clone();
    copy[0] = first;
    return copy;
  }

  private static int crc(byte[] bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes);
    return (int) crc.getValue();
  }
}
