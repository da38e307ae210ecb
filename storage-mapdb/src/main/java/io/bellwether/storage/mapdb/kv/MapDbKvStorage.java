package io.bellwether.storage.mapdb.kv;

import io.bellwether.core.kv.DurableKvStorage;
import io.bellwether.core.kv.KeyOrder;
import io.bellwether.core.kv.KvFormatException;
import io.bellwether.core.kv.Versioned;
import io.bellwether.core.spi.SnapshotCapture;
import io.bellwether.core.spi.SnapshotData;
import io.bellwether.core.spi.SnapshotSink;
import io.bellwether.core.spi.StorageException;
import io.bellwether.storage.mapdb.Fsync;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The key-value state on disk: immutable MapDB layer files, newest first, under an in-heap overlay of
 * the changes since the last snapshot. MapDB never replays its own write-ahead log after a crash, so
 * no MapDB file here is ever changed in place: a snapshot writes the overlay as a new layer (sorted,
 * built in one pass), a merger combines layers in the background, and the snapshot's data is a
 * {@link Manifest} naming the layers. The changes after it are in the Raft log, which a restart
 * replays: restart time depends on the snapshot interval, not on the data.
 *
 * <p>Reads look in the overlay, then in the overlay being written (between a capture and the moment
 * its layer is adopted), then in each layer newest first; a Bloom filter lets a lookup skip most layers
 * that lack the key. A scan merges all of them in key order.
 *
 * <p><b>Memory.</b> The heap holds the overlays (bounded by the snapshot thresholds: about two
 * intervals' changes), the Bloom filters of all but the oldest layer (about 1.2 bytes per key they
 * hold) and the manifest's meta; the layers are memory-mapped, held by the page cache.
 *
 * <p><b>Threading.</b> The node thread calls the {@link io.bellwether.core.kv.KvStorage} methods;
 * captures are written on the snapshot writer; a {@link LayerMerger} thread merges. They share only
 * {@link LayerStack}; the node thread opens and closes its own layer handles.
 */
public final class MapDbKvStorage implements DurableKvStorage {

  private final Path dir;
  private final LayerStack stack;
  private final LayerMerger merger;

  private NavigableMap<String, Versioned> active = new TreeMap<>(KeyOrder.INSTANCE);
  /** The overlay a capture is writing, still read until its layer is adopted; null if none. */
  private NavigableMap<String, Versioned> frozen;
  private long frozenCapture;
  private long captures;
  private long keyCount;

  /** The node thread's layer handles, newest first, as of {@link #viewGeneration}. */
  private List<Layer> view = List.of();
  private long viewGeneration = -1;
  private boolean closed;

  /**
   * Opens the state in {@code dir} (created if missing), empty until {@link #restore}: a restart
   * restores the log store's latest snapshot, whose manifest names the layers to use. Files a crash
   * left half-written are deleted now; layers no manifest names, at that restore or the first capture.
   *
   * @throws StorageException if the directory cannot be created or read
   */
  public MapDbKvStorage(Path dir) {
    this(dir, true);
  }

  /**
   * @param backgroundMerges true: merges run on a thread of their own (what a node wants: a long
   *     merge never delays a snapshot); false: on the snapshot writer, right after each capture is
   *     written, so that nothing runs on a thread of its own and the layers depend only on the
   *     captures (what a deterministic simulation wants), at the price of snapshots that wait for
   *     merges
   */
  public MapDbKvStorage(Path dir, boolean backgroundMerges) {
    this.dir = dir;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new StorageException("cannot create the key-value state directory " + dir + ": " + e.getMessage(), e);
    }
    this.stack = new LayerStack(dir);
    stack.deleteTemporaryFiles();
    this.merger = new LayerMerger(dir, stack, backgroundMerges);
  }

  @Override
  public Versioned get(String key) {
    refresh();
    Versioned v = active.get(key);
    if (v == null && frozen != null) v = frozen.get(key);
    if (v != null) return v == LayerValue.TOMBSTONE ? null : v;
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    for (Layer layer : view) {
      byte[] raw = layer.getRaw(k);
      if (raw != null) {
        Versioned found = LayerValue.decode(raw);
        return found == LayerValue.TOMBSTONE ? null : found;
      }
    }
    return null;
  }

  @Override
  public void put(String key, Versioned value, boolean isNew) {
    active.put(key, value);
    if (isNew) keyCount++;
  }

  @Override
  public void remove(String key) {
    // A tombstone, not a removal: an older layer may hold the key.
    active.put(key, LayerValue.TOMBSTONE);
    keyCount--;
  }

  @Override
  public Iterator<Map.Entry<String, Versioned>> entriesFrom(String from, boolean inclusive) {
    refresh();
    byte[] fromBytes = from == null ? null : from.getBytes(StandardCharsets.UTF_8);
    List<Iterator<Map.Entry<byte[], byte[]>>> sources = new ArrayList<>(view.size() + 2);
    sources.add(raw(active, from, inclusive));
    if (frozen != null) sources.add(raw(frozen, from, inclusive));
    for (Layer layer : view) sources.add(layer.from(fromBytes, inclusive));
    return new Mapped<>(new MergedEntries(sources, true), e -> new AbstractMap.SimpleImmutableEntry<>(
        new String(e.getKey(), StandardCharsets.UTF_8), LayerValue.decode(e.getValue())));
  }

  @Override
  public long size() {
    return keyCount;
  }

  @Override
  public SnapshotCapture capture(byte[] meta) {
    refresh();
    if (frozen != null) throw new IllegalStateException("the previous capture is still being written");
    NavigableMap<String, Versioned> changes = active;
    frozen = changes;
    frozenCapture = ++captures;
    active = new TreeMap<>(KeyOrder.INSTANCE);
    long capture = frozenCapture;
    long keys = keyCount;
    long epoch = stack.epoch();
    return () -> writeCapture(epoch, capture, changes, meta, keys);
  }

  /** On the snapshot writer: the frozen overlay becomes the newest layer; returns the manifest. */
  private byte[] writeCapture(long epoch, long capture, NavigableMap<String, Versioned> changes, byte[] meta,
      long keys) {
    String name = stack.allocate();
    boolean oldest = stack.isEmpty();
    LayerFile layer;
    try {
      // Nothing older to hide: a first layer keeps no tombstones and needs no Bloom filter.
      Iterator<Map.Entry<byte[], byte[]>> entries = raw(changes, null, true);
      if (oldest) entries = new MergedEntries(List.of(entries), true);
      layer = Layer.write(dir, name, entries, changes.size(), !oldest);
      Fsync.directory(dir);
    } catch (IOException e) {
      stack.release(name);
      throw new StorageException("cannot write a key-value layer in " + dir + ": " + e.getMessage(), e);
    }
    if (layer == null) stack.release(name);
    Manifest manifest = stack.commitCapture(epoch, capture, layer, meta, keys);
    if (manifest == null) {
      // A restore came in between: the log store will drop this snapshot as overtaken. Should it ever
      // be used, its missing layer makes the restore fail loudly rather than come back empty.
      return new Manifest(meta, keys, stack.nextSequence(), layer == null ? List.of() : List.of(layer)).encode();
    }
    try {
      merger.wake();
    } catch (IOException e) {
      throw new StorageException("cannot merge key-value layers in " + dir + ": " + e.getMessage(), e);
    }
    return manifest.encode();
  }

  @Override
  public byte[] restore(byte[] localData) {
    Manifest manifest = Manifest.decode(localData);
    List<Layer> opened = new ArrayList<>();
    try {
      for (LayerFile f : manifest.layers()) {
        Path table = dir.resolve(f.tableFile());
        if (!Files.isRegularFile(table) || Files.size(table) != f.tableBytes()) {
          throw new IOException("layer file " + table + " is missing or has the wrong size");
        }
        opened.add(Layer.open(dir, f));
      }
    } catch (IOException | RuntimeException e) {
      opened.forEach(Layer::close);
      throw new KvFormatException("the key-value state's snapshot names layers that do not open: " + e.getMessage(), e);
    }
    stack.reset(manifest);
    view.forEach(Layer::close);
    view = List.copyOf(opened);
    viewGeneration = stack.generation();
    active = new TreeMap<>(KeyOrder.INSTANCE);
    frozen = null;
    keyCount = manifest.keyCount();
    return manifest.meta();
  }

  @Override
  public SnapshotData export(byte[] localData) {
    return KvBundle.open(dir, Manifest.decode(localData), localData);
  }

  @Override
  public long transferredBytes(byte[] localData) {
    return KvBundle.sizeOf(Manifest.decode(localData), localData);
  }

  @Override
  public SnapshotSink receive(long totalBytes) {
    return new KvBundleSink(dir, stack, totalBytes);
  }

  @Override
  public void close() {
    if (closed) return;
    closed = true;
    merger.stop();
    view.forEach(Layer::close);
    view = List.of();
  }

  /** The number of layers the node thread reads now: for tests and metrics. */
  public int layerCount() {
    refresh();
    return view.size();
  }

  /**
   * Adopts the stack's newest layers if they changed: opens new handles, closes those no longer
   * named, and drops the frozen overlay once its layer (or a merge of it) is among them.
   */
  private void refresh() {
    if (closed) throw new IllegalStateException("key-value storage closed");
    merger.rethrowFailure();
    if (stack.generation() == viewGeneration) return;
    for (int attempt = 1; ; attempt++) {
      LayerStack.View v = stack.view();
      try {
        adopt(v);
        return;
      } catch (IOException e) {
        // A layer named by the view may be gone already if merges moved on meanwhile (a merged
        // layer merged again before any manifest named it): look again at the newer view.
        if (stack.generation() == v.generation() || attempt == 3) {
          throw new StorageException("cannot open a key-value layer in " + dir + ": " + e.getMessage(), e);
        }
      }
    }
  }

  private void adopt(LayerStack.View v) throws IOException {
    Map<String, Layer> current = new HashMap<>();
    for (Layer l : view) current.put(l.file.name(), l);
    List<Layer> next = new ArrayList<>(v.layers().size());
    List<Layer> opened = new ArrayList<>();
    try {
      for (LayerFile f : v.layers()) {
        Layer l = current.remove(f.name());
        if (l == null) {
          l = Layer.open(dir, f);
          opened.add(l);
        }
        next.add(l);
      }
    } catch (IOException e) {
      opened.forEach(Layer::close);
      throw e;
    }
    current.values().forEach(Layer::close);
    view = List.copyOf(next);
    viewGeneration = v.generation();
    if (frozen != null && v.capturesWritten() >= frozenCapture) frozen = null;
  }

  /** An overlay's entries from {@code from}, as a layer would hold them. */
  private static Iterator<Map.Entry<byte[], byte[]>> raw(NavigableMap<String, Versioned> overlay, String from,
      boolean inclusive) {
    return new Mapped<>((from == null ? overlay : overlay.tailMap(from, inclusive)).entrySet().iterator(),
        e -> new AbstractMap.SimpleImmutableEntry<>(
            e.getKey().getBytes(StandardCharsets.UTF_8), LayerValue.encode(e.getValue())));
  }
}
