package io.bellwether.storage.mapdb;

import io.bellwether.core.HardState;
import io.bellwether.core.spi.StorageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files of a data directory, found (or created) at open: decides between "new store" and
 * "existing store", refuses anything else, and lists the WAL segments.
 *
 * <p>A new store's {@code wal/} directory is built as {@code wal.tmp/} with its first segment in it
 * and renamed into place, so {@code wal/} exists only whole. A directory holding anything but the
 * lock file and no {@code wal/} is refused: it may be another program's data, or a store whose WAL
 * was deleted, and starting afresh there could make a node forget its vote.
 */
final class StoreFiles {

  private static final Logger LOG = LoggerFactory.getLogger(StoreFiles.class);
  private static final String WAL_TEMP = MapDbLogStore.WAL_DIRECTORY + ".tmp";

  private final Path dir;
  private final List<Segment> segments;

  private StoreFiles(Path dir, List<Segment> segments) {
    this.dir = dir;
    this.segments = segments;
  }

  /** Opens the store's files in {@code dir} (which the caller has locked), creating a new store if it is empty. */
  static StoreFiles open(Path dir, long segmentBytes) throws IOException {
    Path wal = dir.resolve(MapDbLogStore.WAL_DIRECTORY);
    if (!Files.isDirectory(wal)) create(dir, segmentBytes);
    List<Segment> segments = new ArrayList<>();
    try (Stream<Path> files = Files.list(wal)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        String name = p.getFileName().toString();
        Optional<Segment> segment = Segment.parse(p);
        if (segment.isPresent()) {
          segments.add(segment.get());
        } else if (name.endsWith(".tmp")) {
          Files.delete(p); // a segment being created when a crash came: it never held anything synced
        } else {
          throw new StorageException("unexpected file " + p + " in the WAL directory; refusing to guess what it is");
        }
      }
    }
    if (segments.isEmpty()) throw new StorageException("WAL directory " + wal + " holds no segment: the store is damaged");
    segments.sort(Comparator.comparingLong(Segment::seq));
    for (int i = 1; i < segments.size(); i++) {
      if (segments.get(i).seq() != segments.get(i - 1).seq() + 1) {
        throw new StorageException("WAL segment missing between " + segments.get(i - 1) + " and " + segments.get(i));
      }
    }
    return new StoreFiles(dir, segments);
  }

  List<Segment> segments() {
    return List.copyOf(segments);
  }

  /** Deletes snapshot files the WAL does not name: written before a crash, never switched to, or replaced. */
  void deleteOrphanSnapshots(SnapshotRef current) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        String name = p.getFileName().toString();
        if (SnapshotFile.isSnapshotFile(name) && (current == null || !name.equals(current.fileName()))) {
          LOG.info("deleting snapshot file {}: the WAL does not name it", p);
          Files.delete(p);
        }
      }
    }
  }

  private static void create(Path dir, long segmentBytes) throws IOException {
    Path temp = dir.resolve(WAL_TEMP);
    List<String> found;
    try (Stream<Path> files = Files.list(dir)) {
      found = files.map(p -> p.getFileName().toString())
          .filter(name -> !name.equals(DirectoryLock.FILE_NAME) && !name.equals(WAL_TEMP))
          .sorted()
          .toList();
    }
    if (!found.isEmpty()) {
      throw new StorageException("data directory " + dir + " is not empty but holds no Bellwether WAL directory '"
          + MapDbLogStore.WAL_DIRECTORY + "' (found " + found + "); refusing to start an empty store over it");
    }
    // Only a first start killed while creating the store leaves wal.tmp alone: it never held anything synced.
    deleteRecursively(temp);
    Files.createDirectory(temp);
    Wal.createFirst(temp, segmentBytes, new WalRecord.Checkpoint(HardState.INITIAL, null, 1, 1));
    Fsync.directory(temp);
    Files.move(temp, dir.resolve(MapDbLogStore.WAL_DIRECTORY), StandardCopyOption.ATOMIC_MOVE);
    Fsync.directory(dir);
    LOG.info("created an empty log store in {}", dir);
  }

  private static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) return;
    try (Stream<Path> all = Files.walk(path)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
    }
  }
}
