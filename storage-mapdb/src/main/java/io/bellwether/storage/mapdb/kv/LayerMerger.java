package io.bellwether.storage.mapdb.kv;

import io.bellwether.storage.mapdb.Fsync;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merges runs of layers into one, in the background, so that lookups read few layers and deleted or
 * overwritten entries stop taking space. One daemon thread per storage: a merge of the oldest layer
 * rewrites the whole state, which may take a while, and must not hold up the snapshot writer (whose
 * overlays are what the heap holds meanwhile).
 *
 * <p>It opens its own handles on the layers it reads and closes them itself. If a merge fails (a full
 * or failing disk), it stops and {@link #rethrowFailure} makes the node thread fail, as a log that
 * cannot be written does.
 */
final class LayerMerger {

  private static final Logger log = LoggerFactory.getLogger(LayerMerger.class);

  private final Path dir;
  private final LayerStack stack;
  /** Null when merges run inline, on the thread that calls {@link #wake}. */
  private final Thread thread;
  private boolean wanted;
  private boolean stopping;
  private volatile RuntimeException failure;

  /** @param background on a daemon thread of its own; else inline, in {@link #wake} */
  LayerMerger(Path dir, LayerStack stack, boolean background) {
    this.dir = dir;
    this.stack = stack;
    if (background) {
      this.thread = new Thread(this::run, "bellwether-kv-merger");
      thread.setDaemon(true);
      thread.start();
    } else {
      this.thread = null;
    }
  }

  /**
   * A layer was added: look for a run to merge (inline: merge now, on the caller's thread).
   *
   * @throws IOException inline only, if a merge fails
   */
  void wake() throws IOException {
    if (thread == null) {
      List<LayerFile> run;
      while (!(run = stack.pickMerge()).isEmpty()) merge(run);
      return;
    }
    synchronized (this) {
      wanted = true;
      notifyAll();
    }
  }

  /** Stops after the merge in progress, if any (its output is then dropped). */
  void stop() {
    synchronized (this) {
      stopping = true;
      notifyAll();
    }
    if (thread == null) return;
    try {
      thread.join(60_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  void rethrowFailure() {
    RuntimeException f = failure;
    if (f != null) throw f;
  }

  private void run() {
    try {
      while (awaitWork()) {
        List<LayerFile> run;
        while (!isStopping() && !(run = stack.pickMerge()).isEmpty()) merge(run);
      }
    } catch (IOException | RuntimeException e) {
      log.error("merging key-value layers in {} failed; the node will stop", dir, e);
      failure = new io.bellwether.core.spi.StorageException(
          "merging key-value layers in " + dir + " failed: " + e.getMessage(), e);
    }
  }

  private synchronized boolean awaitWork() {
    while (!wanted && !stopping) {
      try {
        wait();
      } catch (InterruptedException e) {
        return false;
      }
    }
    wanted = false;
    return !stopping;
  }

  private synchronized boolean isStopping() {
    return stopping;
  }

  private void merge(List<LayerFile> run) throws IOException {
    long epoch = stack.epoch();
    boolean oldest = stack.isOldest(run.get(run.size() - 1));
    String name = stack.allocate();
    List<Layer> inputs = new ArrayList<>(run.size());
    LayerFile merged;
    long started = System.nanoTime();
    try {
      List<Iterator<Map.Entry<byte[], byte[]>>> sources = new ArrayList<>(run.size());
      long entries = 0;
      for (LayerFile f : run) {
        Layer l = Layer.open(dir, f);
        inputs.add(l);
        sources.add(l.from(null, true));
        entries += f.entries();
      }
      // Merging into the oldest layer: nothing older is left for a tombstone to hide.
      merged = Layer.write(dir, name, new MergedEntries(sources, oldest), entries, !oldest);
      Fsync.directory(dir);
    } catch (IOException | RuntimeException e) {
      stack.release(name);
      // A restore meanwhile may have deleted the inputs: the merge is moot, not a failure.
      if (stack.epoch() != epoch) return;
      throw e;
    } finally {
      inputs.forEach(Layer::close);
    }
    if (merged == null) stack.release(name);
    if (!stack.replace(epoch, run, merged) && merged != null) {
      Files.deleteIfExists(dir.resolve(merged.tableFile()));
      Files.deleteIfExists(dir.resolve(merged.bloomFile()));
      Files.deleteIfExists(dir.resolve(merged.blobFile()));
    }
    log.debug("merged {} key-value layers into {} in {} ms", run.size(), name, (System.nanoTime() - started) / 1_000_000);
  }
}
