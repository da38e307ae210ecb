package io.bellwether.storage.mapdb.kv;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which layers make up the on-disk key-value state, newest first, and which files may be deleted: the
 * one place the node thread, the snapshot writer and the merger agree on it, under this object's lock.
 *
 * <p><b>Invariants.</b>
 * <ul>
 *   <li>A layer's files are never changed once named; a change to the state adds a layer or replaces
 *       a run of adjacent layers with one holding exactly their merged content.
 *   <li>A file is deleted only if no manifest that may be the log store's latest names it: the last
 *       two manifests handed out or restored are kept. The caller makes each manifest durable before
 *       asking for the next (one snapshot at a time), so the older of the two is the durable one until
 *       the newer one is.
 *   <li>A file being written (its name allocated, not yet in the stack) is pinned, and never deleted.
 *   <li>A restore starts a new epoch: work begun before it (a capture being written, a merge) finds
 *       its epoch stale when it finishes and is dropped.
 * </ul>
 */
final class LayerStack {

  /** A consistent view: the layers, newest first, at a generation. */
  record View(long generation, long epoch, List<LayerFile> layers, long capturesWritten) {}

  private final Path dir;
  private List<LayerFile> layers = List.of();
  /** Read without the lock by the node thread on every operation, to see whether anything changed. */
  private volatile long generation;
  private long epoch;
  private long nextSequence = 1;
  private long capturesWritten;
  private final Deque<Set<String>> recentManifests = new ArrayDeque<>();
  private final Set<String> pinned = new HashSet<>();

  LayerStack(Path dir) {
    this.dir = dir;
  }

  synchronized View view() {
    return new View(generation, epoch, layers, capturesWritten);
  }

  long generation() {
    return generation;
  }

  synchronized long epoch() {
    return epoch;
  }

  synchronized long nextSequence() {
    return nextSequence;
  }

  /** A fresh layer name, pinned until {@link #release} or until it is committed. */
  synchronized String allocate() {
    String name = "L" + nextSequence++;
    pinned.add(name);
    return name;
  }

  synchronized void release(String name) {
    pinned.remove(name);
  }

  /**
   * The snapshot writer wrote capture {@code capture} as {@code layer} (null: it changed nothing):
   * adds it as the newest layer and returns the manifest of the state at that capture.
   *
   * @return the manifest, or null if a restore came in between (the capture is stale)
   */
  synchronized Manifest commitCapture(long captureEpoch, long capture, LayerFile layer, byte[] meta,
      long keyCount) {
    if (layer != null) pinned.remove(layer.name());
    if (captureEpoch != epoch) return null;
    if (layer != null) {
      List<LayerFile> next = new ArrayList<>(layers.size() + 1);
      next.add(layer);
      next.addAll(layers);
      layers = List.copyOf(next);
    }
    capturesWritten = capture;
    generation++;
    Manifest manifest = new Manifest(meta, keyCount, nextSequence, layers);
    remember(manifest);
    deleteUnreferenced(false);
    return manifest;
  }

  /**
   * The newest layers to merge now, newest first, or an empty list. A run grows while the next older
   * layer is no larger than the run so far, which keeps sizes growing about geometrically toward the
   * oldest layer: a few dozen layers at most, and each byte rewritten a handful of times.
   */
  synchronized List<LayerFile> pickMerge() {
    if (layers.size() < 2) return List.of();
    long sum = layers.get(0).totalBytes();
    int run = 1;
    while (run < layers.size() && layers.get(run).totalBytes() <= sum) {
      sum += layers.get(run).totalBytes();
      run++;
    }
    return run >= 2 ? layers.subList(0, run) : List.of();
  }

  /** Whether {@code layer} is the oldest layer now. */
  synchronized boolean isOldest(LayerFile layer) {
    return !layers.isEmpty() && layers.get(layers.size() - 1).equals(layer);
  }

  synchronized boolean isEmpty() {
    return layers.isEmpty();
  }

  /**
   * Replaces the adjacent run {@code inputs} with {@code merged} (null: the run merged into nothing).
   *
   * @return false if the run is no longer in the stack (a restore came in between); the caller then
   *     deletes its output
   */
  synchronized boolean replace(long mergeEpoch, List<LayerFile> inputs, LayerFile merged) {
    if (merged != null) pinned.remove(merged.name());
    if (mergeEpoch != epoch) return false;
    int at = layers.indexOf(inputs.get(0));
    if (at < 0 || at + inputs.size() > layers.size() || !layers.subList(at, at + inputs.size()).equals(inputs)) {
      return false;
    }
    List<LayerFile> next = new ArrayList<>(layers.subList(0, at));
    if (merged != null) next.add(merged);
    next.addAll(layers.subList(at + inputs.size(), layers.size()));
    layers = List.copyOf(next);
    generation++;
    return true;
  }

  /**
   * The state became {@code manifest} (restored at start or installed from the leader, and durable in
   * the log store by now): a new epoch, and every layer file it does not name goes. Work of the old
   * epoch loses its pins: its files are deleted here or by the work itself when it finds its epoch
   * stale. Temporary files are left to their writers.
   */
  synchronized void reset(Manifest manifest) {
    epoch++;
    generation++;
    layers = manifest.layers();
    nextSequence = Math.max(nextSequence, manifest.nextSequence());
    for (LayerFile l : layers) nextSequence = Math.max(nextSequence, Long.parseLong(l.name().substring(1)) + 1);
    recentManifests.clear();
    pinned.clear();
    remember(manifest);
    deleteUnreferenced(false);
  }

  /**
   * At start-up, before any writer or merger runs: deletes the temporary files a crash left behind.
   * Layer files stay until a restore or a capture says which ones the state uses.
   */
  synchronized void deleteTemporaryFiles() {
    deleteUnreferenced(true);
  }

  private void remember(Manifest manifest) {
    Set<String> names = new HashSet<>();
    for (LayerFile l : manifest.layers()) names.add(l.name());
    recentManifests.addLast(names);
    while (recentManifests.size() > 2) recentManifests.removeFirst();
  }

  private void deleteUnreferenced(boolean withTemporaryFiles) {
    Set<String> keep = new HashSet<>(pinned);
    for (LayerFile l : layers) keep.add(l.name());
    for (Set<String> names : recentManifests) keep.addAll(names);
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        boolean temporary = name.endsWith(".tmp");
        String base = name.substring(0, name.indexOf('.') < 0 ? name.length() : name.indexOf('.'));
        if (!Manifest.isLayerName(base)) continue; // not ours: left alone
        if (temporary ? withTemporaryFiles : !withTemporaryFiles && !keep.contains(base)) {
          Files.deleteIfExists(file);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clean the key-value state directory " + dir, e);
    }
  }
}
