package io.bellwether.node.cli;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/**
 * What {@code bellwether local-cluster} records in its directory, {@code DIR/cluster.properties}: the
 * cluster id, the storage, the founding nodes {@code n1..nN} ({@code nodes=N}), each node's peer,
 * HTTP and Hazelcast address, the nodes added at runtime by {@code local-cluster add} ({@code
 * added=n4,n5}, each with {@code nK.promote}) and the nodes taken out by {@code local-cluster remove}
 * ({@code removed=n2}: never started again). The running launcher re-reads the file to learn of
 * nodes to start or stop; {@code add} and {@code remove} change it under {@link #CHANGE_LOCK_FILE}
 * and replace it atomically, so a reader never sees half a file.
 */
final class LocalClusterLayout {

  static final String FILE = "cluster.properties";
  /** Held by the running launcher for its whole life: one launcher per directory. */
  static final String LOCK_FILE = "local-cluster.lock";
  /** Held by {@code add} and {@code remove} while they change the layout, so two never pick one id. */
  static final String CHANGE_LOCK_FILE = "local-cluster-change.lock";
  /** The prefix of the lines the launcher appends to a node's log (its start, its exit). */
  static final String LOG_PREFIX = "local-cluster: ";

  private final Properties p;

  private LocalClusterLayout(Properties p) {
    this.p = p;
  }

  static LocalClusterLayout fresh(String clusterId, String storage, int founders, boolean secure) {
    Properties p = new Properties();
    p.setProperty("cluster.id", clusterId);
    p.setProperty("secure", Boolean.toString(secure));
    p.setProperty("nodes", Integer.toString(founders));
    p.setProperty("storage", storage);
    LocalClusterLayout layout = new LocalClusterLayout(p);
    for (int i = 1; i <= founders; i++) layout.assignPorts("n" + i);
    return layout;
  }

  static boolean exists(Path dir) {
    return Files.isRegularFile(dir.resolve(FILE));
  }

  static LocalClusterLayout load(Path dir) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(dir.resolve(FILE), StandardCharsets.UTF_8)) {
      p.load(r);
    }
    return new LocalClusterLayout(p);
  }

  /** Writes the file whole and moves it into place, so the launcher never reads it half written. */
  void save(Path dir) throws IOException {
    Path tmp = dir.resolve(FILE + ".tmp");
    try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      p.store(w, "bellwether local-cluster layout: ports are reused on every restart");
    }
    Files.move(tmp, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Whether the cluster runs with TLS and tokens ({@link LocalClusterSecurity}); fixed when it is created. */
  boolean secure() {
    return Boolean.parseBoolean(p.getProperty("secure", "false"));
  }

  String clusterId() {
    return p.getProperty("cluster.id");
  }

  String storage() {
    return p.getProperty("storage");
  }

  int founders() {
    return Integer.parseInt(p.getProperty("nodes", "0"));
  }

  List<String> founderIds() {
    List<String> ids = new ArrayList<>();
    for (int i = 1; i <= founders(); i++) ids.add("n" + i);
    return ids;
  }

  List<String> addedIds() {
    return list("added");
  }

  Set<String> removedIds() {
    return new LinkedHashSet<>(list("removed"));
  }

  /** Every node ever recorded, founders first, removed ones included. */
  List<String> allIds() {
    List<String> ids = founderIds();
    ids.addAll(addedIds());
    return ids;
  }

  /** The nodes the launcher runs: every recorded node that was not removed. */
  List<String> activeIds() {
    List<String> ids = allIds();
    ids.removeAll(removedIds());
    return ids;
  }

  boolean isFounder(String id) {
    return founderIds().contains(id);
  }

  boolean promote(String id) {
    return Boolean.parseBoolean(p.getProperty(id + ".promote", "false"));
  }

  String peer(String id) {
    return p.getProperty(id + ".peer");
  }

  String http(String id) {
    return p.getProperty(id + ".http");
  }

  String hazelcast(String id) {
    return p.getProperty(id + ".hazelcast");
  }

  /** Gives every node without a Hazelcast address one (layouts written before Hazelcast had none). */
  boolean fillHazelcastPorts() {
    boolean changed = false;
    for (String id : allIds()) {
      if (hazelcast(id) == null) {
        p.setProperty(id + ".hazelcast", "127.0.0.1:" + FreePorts.next());
        changed = true;
      }
    }
    return changed;
  }

  /** Records a node added at runtime with free ports; returns its id, the lowest {@code nK} not taken. */
  String add(Set<String> taken, boolean promoteIt) {
    Set<String> used = new LinkedHashSet<>(allIds());
    used.addAll(taken);
    int k = 1;
    while (used.contains("n" + k)) k++;
    String id = "n" + k;
    assignPorts(id);
    p.setProperty(id + ".promote", Boolean.toString(promoteIt));
    List<String> added = addedIds();
    added.add(id);
    p.setProperty("added", String.join(",", added));
    return id;
  }

  void markRemoved(String id) {
    Set<String> removed = removedIds();
    removed.add(id);
    p.setProperty("removed", String.join(",", removed));
  }

  private void assignPorts(String id) {
    p.setProperty(id + ".peer", "127.0.0.1:" + FreePorts.next());
    p.setProperty(id + ".http", "127.0.0.1:" + FreePorts.next());
    p.setProperty(id + ".hazelcast", "127.0.0.1:" + FreePorts.next());
  }

  private List<String> list(String key) {
    String v = p.getProperty(key, "").strip();
    return v.isEmpty() ? new ArrayList<>() : new ArrayList<>(Arrays.asList(v.split(",")));
  }

  /**
   * Takes the lock on {@code dir/file} for as long as the returned channel stays open (closing it
   * releases the lock); null when another process (or this JVM) holds it.
   */
  static FileChannel tryLock(Path dir, String file) throws IOException {
    FileChannel channel = FileChannel.open(dir.resolve(file), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // held within this JVM (tests that run the command twice in one process)
    }
    if (lock == null) {
      channel.close();
      return null;
    }
    return channel;
  }

  /** Waits for the lock on {@code dir/file}; released when the returned channel is closed. */
  static FileChannel lock(Path dir, String file) throws IOException, InterruptedException {
    while (true) {
      FileChannel channel = FileChannel.open(dir.resolve(file), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      try {
        channel.lock();
        return channel;
      } catch (OverlappingFileLockException heldInThisJvm) {
        channel.close(); // another thread of this JVM holds it (tests run commands in one JVM): wait for it
        Thread.sleep(20);
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
    }
  }

  /** Whether a launcher holds {@code dir}'s lock now, i.e. the local cluster in {@code dir} is running. */
  static boolean launcherRunning(Path dir) throws IOException {
    if (!Files.exists(dir.resolve(LOCK_FILE))) return false;
    FileChannel free = tryLock(dir, LOCK_FILE);
    if (free == null) return true;
    free.close();
    return false;
  }
}
