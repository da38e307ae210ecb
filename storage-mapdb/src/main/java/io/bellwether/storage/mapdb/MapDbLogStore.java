package io.bellwether.storage.mapdb;

import io.bellwether.core.HardState;
import io.bellwether.core.LogEntry;
import io.bellwether.core.spi.LogStore;
import io.bellwether.core.spi.Snapshot;
import io.bellwether.core.spi.StorageException;
import io.bellwether.storage.mapdb.ControlFile.Phase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link LogStore} on MapDB that survives kill -9 at any moment.
 *
 * <p><b>Layout</b> of the data directory: {@code LOCK} (an OS lock while open), {@code control}
 * (two checksummed slots: the commit record and the hard state) and two MapDB files, {@code
 * log-a.db} and {@code log-b.db}, with the same content when idle.
 *
 * <p><b>Why two copies.</b> MapDB 3.1.0 forces its commits but does not replay its write-ahead log,
 * so a kill while it copies a commit into its file can leave that file half-updated. Here a copy is
 * only ever written while the control file names it as the copy in flight, and the other copy is then
 * whole. {@link #sync()} does: control record "A in flight", commit A, control record "B in flight"
 * (carrying the new hard state), commit B. At open, the copy the latest control record names is
 * thrown away and rebuilt as a byte copy of the other. Changes are staged in memory ({@link LogView})
 * and reach MapDB only inside {@code sync()}, so nothing unsynced can leak into a copy.
 *
 * <p><b>Reads</b> come from memory for unsynced and recent batches, otherwise from copy A, one MapDB
 * lookup per batch; every entry's CRC32C is verified when it is read from the file.
 *
 * <p>Single caller at a time, as the {@link LogStore} contract says; not thread-safe otherwise.
 */
public final class MapDbLogStore implements LogStore {

  private static final Logger LOG = LoggerFactory.getLogger(MapDbLogStore.class);

  static final String COPY_A = "log-a.db";
  static final String COPY_B = "log-b.db";

  private final Path directory;
  private final DirectoryLock lock;
  private final ControlFile control;
  private final MapDbCopy copyA;
  private final MapDbCopy copyB;
  private final LogView view;
  private HardState hardState;
  private HardState durableHardState;
  private boolean closed;
  private StorageException failure;

  private MapDbLogStore(
      Path directory, DirectoryLock lock, ControlFile control, MapDbCopy copyA, MapDbCopy copyB, LogView view) {
    this.directory = directory;
    this.lock = lock;
    this.control = control;
    this.copyA = copyA;
    this.copyB = copyB;
    this.view = view;
    this.hardState = control.latest().hardState();
    this.durableHardState = hardState;
  }

  /**
   * Opens the store in {@code directory}, creating it only when the directory does not exist or is
   * empty. A crash's half-written copy is rebuilt from the whole one first.
   *
   * @throws StorageException naming the directory if it is locked by another store, or holds files
   *     but no readable store, or the store is corrupt; never starts afresh over existing data
   */
  public static MapDbLogStore open(Path directory) {
    Objects.requireNonNull(directory, "directory");
    Path dir = directory.toAbsolutePath().normalize();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new StorageException("cannot create data directory " + dir + ": " + e.getMessage(), e);
    }
    DirectoryLock lock = DirectoryLock.acquire(dir);
    ControlFile control = null;
    MapDbCopy a = null;
    MapDbCopy b = null;
    boolean copiesWhole = false; // true once no crash-torn copy is left
    try {
      if (!Files.exists(dir.resolve(ControlFile.FILE_NAME))) initialize(dir);
      control = ControlFile.open(dir);
      recoverInFlightCopy(dir, control.latest());
      copiesWhole = true;
      // MapDB may write while opening a file: each copy is opened while it is the one in flight.
      ControlFile.Record r = control.latest();
      control.write(r.next(Phase.WRITING_A, r.logSequence(), r.hardState()));
      a = MapDbCopy.open(dir.resolve(COPY_A));
      control.write(control.latest().next(Phase.WRITING_B, r.logSequence(), r.hardState()));
      b = MapDbCopy.open(dir.resolve(COPY_B));
      long logSequence = checkLogSequences(a, b, r);
      LogView view = load(a, b);
      control.write(control.latest().next(Phase.IDLE, logSequence, r.hardState()));
      LOG.info("opened log store {}: entries {}..{}, {}", dir, view.firstIndex(), view.lastIndex(), r.hardState());
      return new MapDbLogStore(dir, lock, control, a, b, view);
    } catch (RuntimeException | IOException e) {
      if (b != null) closeQuietly(b);
      if (a != null) closeQuietly(a);
      if (control != null) {
        if (copiesWhole) restoreIdle(control);
        control.close();
      }
      lock.close();
      if (e instanceof StorageException se) throw se;
      throw new StorageException("cannot open log store in " + dir + ": " + e, e);
    }
  }

  /** The data directory this store uses. */
  public Path directory() {
    return directory;
  }

  @Override
  public HardState hardState() {
    requireUsable();
    return hardState;
  }

  @Override
  public void saveHardState(HardState state) {
    requireUsable();
    Objects.requireNonNull(state, "state");
    if (state.votedFor() != null && state.votedFor().getBytes(java.nio.charset.StandardCharsets.UTF_8).length
        > ControlFile.MAX_VOTED_FOR_BYTES) {
      throw new IllegalArgumentException("votedFor is longer than " + ControlFile.MAX_VOTED_FOR_BYTES + " bytes");
    }
    hardState = state;
  }

  @Override
  public long firstIndex() {
    requireUsable();
    return view.firstIndex();
  }

  @Override
  public long lastIndex() {
    requireUsable();
    return view.lastIndex();
  }

  @Override
  public long term(long index) {
    requireUsable();
    return view.term(index);
  }

  @Override
  public List<LogEntry> entries(long fromIndex, long toIndex, long maxBytes) {
    requireUsable();
    return guard(() -> view.entries(fromIndex, toIndex, maxBytes));
  }

  @Override
  public void append(List<LogEntry> entries) {
    requireUsable();
    view.append(entries);
  }

  @Override
  public void truncateSuffix(long fromIndex) {
    requireUsable();
    view.truncateSuffix(fromIndex);
  }

  @Override
  public void compactPrefix(long upToIndex) {
    requireUsable();
    view.compactPrefix(upToIndex);
  }

  @Override
  public Optional<Snapshot> snapshot() {
    requireUsable();
    return view.snapshot();
  }

  @Override
  public void saveSnapshot(Snapshot snapshot) {
    requireUsable();
    view.saveSnapshot(Objects.requireNonNull(snapshot, "snapshot"));
  }

  /**
   * One log commit, as two MapDB commits guarded by control records; or, when only the hard state
   * changed, one control record. Each control record write is forced before the next step.
   */
  @Override
  public void sync() {
    requireUsable();
    guard(() -> {
      ControlFile.Record r = control.latest();
      if (view.hasStagedChanges()) {
        List<StoredChange> changes = view.stagedChanges();
        long next = r.logSequence() + 1;
        control.write(r.next(Phase.WRITING_A, next, durableHardState));
        copyA.apply(changes, next);
        copyA.commit();
        control.write(control.latest().next(Phase.WRITING_B, next, hardState));
        copyB.apply(changes, next);
        copyB.commit();
        view.synced();
      } else if (!hardState.equals(durableHardState)) {
        control.write(r.next(r.phase(), r.logSequence(), hardState));
      }
      durableHardState = hardState;
      return null;
    });
  }

  /** Closes both copies, each while the control file names it in flight (MapDB may write on close). */
  @Override
  public void close() {
    if (closed) return;
    closed = true;
    try {
      if (failure == null) {
        ControlFile.Record r = control.latest();
        control.write(r.next(Phase.WRITING_A, r.logSequence(), durableHardState));
        copyA.close();
        control.write(control.latest().next(Phase.WRITING_B, r.logSequence(), durableHardState));
        copyB.close();
        control.write(control.latest().next(Phase.IDLE, r.logSequence(), durableHardState));
      } else {
        closeQuietly(copyA);
        closeQuietly(copyB);
      }
    } catch (RuntimeException e) {
      LOG.warn("closing log store {} failed; the next open repairs it: {}", directory, e.toString());
      closeQuietly(copyA);
      closeQuietly(copyB);
    } finally {
      control.close();
      lock.close();
    }
  }

  // ---- opening

  /** Creates an empty store; refuses a directory that already holds anything but our lock file. */
  private static void initialize(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      List<String> found = files.map(p -> p.getFileName().toString())
          .filter(name -> !name.equals(DirectoryLock.FILE_NAME))
          .sorted()
          .toList();
      if (!found.isEmpty()) {
        throw new StorageException(
            "data directory " + dir + " is not empty but holds no Bellwether store control file (found "
                + found + "); refusing to start an empty store over it. If a first start was"
                + " interrupted while creating the store, nothing in it was ever used: delete the directory");
      }
    }
    for (String name : List.of(COPY_A, COPY_B)) {
      MapDbCopy.create(dir.resolve(name)).close(); // created and committed empty
      Fsync.file(dir.resolve(name));
    }
    // The control file appears last and atomically: before it, the directory holds no store.
    ControlFile.create(dir, new ControlFile.Record(1, Phase.IDLE, 0, HardState.INITIAL));
    LOG.info("created an empty log store in {}", dir);
  }

  /**
   * After a failed open, puts back an "idle" control record, so the next open finds the same damage
   * and fails the same way: an "in flight" record left behind would make it rebuild the damaged copy
   * from the other and start without a word.
   */
  private static void restoreIdle(ControlFile control) {
    ControlFile.Record r = control.latest();
    if (r.phase() == Phase.IDLE) return;
    try {
      control.write(r.next(Phase.IDLE, r.logSequence(), r.hardState()));
    } catch (RuntimeException e) {
      LOG.warn("could not restore the control record of {}: {}", control.path(), e.toString());
    }
  }

  /** Rebuilds the copy a crash may have left half-written as a byte copy of the other. */
  private static void recoverInFlightCopy(Path dir, ControlFile.Record latest) throws IOException {
    if (latest.phase() == Phase.IDLE) return;
    Path broken = dir.resolve(latest.phase() == Phase.WRITING_A ? COPY_A : COPY_B);
    Path whole = dir.resolve(latest.phase() == Phase.WRITING_A ? COPY_B : COPY_A);
    LOG.info("log store {} was stopped while writing {}: rebuilding it from {}", dir, broken.getFileName(), whole.getFileName());
    if (!Files.isRegularFile(whole)) throw new StorageException("store file " + whole + " is missing");
    MapDbCopy.deleteWalFiles(broken);
    MapDbCopy.deleteWalFiles(whole);
    Path temp = dir.resolve(broken.getFileName() + ".tmp");
    Files.copy(whole, temp, StandardCopyOption.REPLACE_EXISTING);
    Fsync.file(temp);
    Files.move(temp, broken, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    Fsync.directory(dir);
  }

  /**
   * Both copies must have taken the same number of log commits: the one the control file names, or
   * one fewer when a crash interrupted a sync before copy A had committed (A was then rebuilt from
   * B; a crash while opening may have copied that count into a later "in flight" record).
   */
  private static long checkLogSequences(MapDbCopy a, MapDbCopy b, ControlFile.Record beforeOpen) {
    long expected = beforeOpen.logSequence();
    long found = a.logSequence();
    boolean ok = found == b.logSequence()
        && (found == expected || found == expected - 1);
    if (!ok) {
      throw new StorageException(
          "inconsistent store: control file says " + expected + " log commits, " + a.describe() + " has "
              + found + ", " + b.describe() + " has " + b.logSequence());
    }
    return found;
  }

  /**
   * Reads copy A whole (verifying every entry's checksum) to build the view, and checks that copy B
   * holds exactly the same bytes: a difference means damage that no crash explains.
   */
  private static LogView load(MapDbCopy a, MapDbCopy b) {
    byte[] snapshotBytes = a.snapshot();
    Snapshot snapshot = SnapshotRecord.decode(snapshotBytes, a.describe()).orElse(null);
    long firstIndex = a.firstIndex();
    LogView view = new LogView(firstIndex, snapshot, (start, size) -> BatchRecord.decode(a.batch(start), start, size, a.describe()));
    List<Map.Entry<Long, byte[]>> batchesA = a.allBatches();
    List<Map.Entry<Long, byte[]>> batchesB = b.allBatches();
    if (firstIndex != b.firstIndex() || !java.util.Arrays.equals(snapshotBytes, b.snapshot()) || batchesA.size() != batchesB.size()) {
      throw new StorageException("store files " + a.describe() + " and " + b.describe() + " disagree; one is damaged");
    }
    for (int i = 0; i < batchesA.size(); i++) {
      long start = batchesA.get(i).getKey();
      byte[] batch = batchesA.get(i).getValue();
      List<LogEntry> entries = BatchRecord.decode(batch, start, Integer.MAX_VALUE, a.describe());
      if (batchesB.get(i).getKey() != start || !java.util.Arrays.equals(batch, batchesB.get(i).getValue())) {
        throw new StorageException(
            "store files " + a.describe() + " and " + b.describe() + " disagree on the batch at index " + start + "; one is damaged");
      }
      long[] terms = new long[entries.size()];
      for (int j = 0; j < terms.length; j++) terms[j] = entries.get(j).term();
      view.load(start, terms, a.describe());
    }
    view.checkLoaded(a.describe());
    return view;
  }

  // ---- helpers

  private interface Action<T> {
    T run();
  }

  /** A storage failure leaves the copies in an unknown state: the store refuses further use. */
  private <T> T guard(Action<T> action) {
    try {
      return action.run();
    } catch (StorageException e) {
      failure = e;
      throw e;
    }
  }

  private void requireUsable() {
    if (closed) throw new IllegalStateException("log store " + directory + " is closed");
    if (failure != null) throw new StorageException("log store " + directory + " failed earlier: " + failure.getMessage(), failure);
  }

  private static void closeQuietly(MapDbCopy copy) {
    try {
      copy.close();
    } catch (RuntimeException ignored) {
      // Already failing or closing: nothing more to save.
    }
  }
}
