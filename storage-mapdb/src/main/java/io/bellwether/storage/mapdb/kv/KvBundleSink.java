package io.bellwether.storage.mapdb.kv;

import io.bellwether.core.spi.SnapshotSink;
import io.bellwether.core.spi.StorageException;
import io.bellwether.storage.mapdb.Fsync;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Receives a {@link KvBundle} from the leader straight into layer files, as the chunks arrive: the
 * heap holds the manifest and one chunk, never the state. Each file is written under a temporary name,
 * checked against the CRC32C the manifest gives, forced and renamed to a fresh local layer name (the
 * leader's names may be taken here). {@link #complete} returns the manifest rewritten with the local
 * names, which the log store then saves and the state machine restores.
 *
 * <p>A malformed bundle (wrong magic, a manifest that does not decode, sizes that do not add up, a
 * file whose CRC does not match) throws {@link StorageException} and deletes what was written.
 */
final class KvBundleSink implements SnapshotSink {

  private final Path dir;
  private final LayerStack stack;
  private final long totalBytes;
  private final ByteArrayOutputStream header = new ByteArrayOutputStream();
  private int manifestLength = -1;
  private Manifest manifest;
  private final List<LayerFile> received = new ArrayList<>();
  private final List<String> localNames = new ArrayList<>();
  private final List<Path> written = new ArrayList<>();

  /** The parts of a layer, in the order a bundle carries them; those of size 0 are absent. */
  private static final String[] PARTS = {".sst", ".bloom", ".blob"};

  // The file being written: layer index and part.
  private int layer;
  private int part;
  private FileChannel out;
  private Path outPath;
  private long outRemaining;
  private CRC32C outCrc;
  private long bytesSeen;
  private boolean finished;

  KvBundleSink(Path dir, LayerStack stack, long totalBytes) {
    this.dir = dir;
    this.stack = stack;
    this.totalBytes = totalBytes;
  }

  @Override
  public void write(byte[] chunk) {
    if (finished) throw new IllegalStateException("snapshot sink already finished");
    bytesSeen += chunk.length;
    if (bytesSeen > totalBytes) throw fail("more bytes than announced");
    int at = 0;
    try {
      while (at < chunk.length) {
        if (manifest == null) {
          at = readHeader(chunk, at);
        } else {
          at = writeFile(chunk, at);
        }
      }
    } catch (IOException e) {
      abort();
      throw new StorageException("cannot write a received key-value snapshot in " + dir + ": " + e.getMessage(), e);
    }
  }

  private int readHeader(byte[] chunk, int at) {
    int need = (manifestLength < 0 ? KvBundle.PREFIX_BYTES : KvBundle.PREFIX_BYTES + manifestLength) - header.size();
    int n = Math.min(need, chunk.length - at);
    header.write(chunk, at, n);
    if (n < need) return at + n;
    byte[] bytes = header.toByteArray();
    if (manifestLength < 0) {
      if (!Arrays.equals(Arrays.copyOf(bytes, KvBundle.MAGIC.length), KvBundle.MAGIC)) {
        throw fail("not a key-value snapshot of the on-disk state (was the leader run with another kind of state?)");
      }
      manifestLength = ByteBuffer.wrap(bytes, KvBundle.MAGIC.length, 4).getInt();
      if (manifestLength <= 0 || manifestLength > Manifest.MAX_BYTES) throw fail("manifest length " + manifestLength);
      return at + n;
    }
    try {
      manifest = Manifest.decode(Arrays.copyOfRange(bytes, KvBundle.PREFIX_BYTES, bytes.length));
    } catch (IllegalArgumentException e) {
      throw fail(e.getMessage());
    }
    long expected = bytes.length;
    for (LayerFile l : manifest.layers()) expected += l.totalBytes();
    if (expected != totalBytes) throw fail("manifest accounts for " + expected + " bytes, " + totalBytes + " announced");
    return at + n;
  }

  private int writeFile(byte[] chunk, int at) throws IOException {
    if (out == null) openNext();
    int n = (int) Math.min(outRemaining, chunk.length - at);
    ByteBuffer buf = ByteBuffer.wrap(chunk, at, n);
    outCrc.update(buf.duplicate());
    while (buf.hasRemaining()) out.write(buf);
    outRemaining -= n;
    if (outRemaining == 0) finishFile();
    return at + n;
  }

  private void openNext() throws IOException {
    if (layer >= manifest.layers().size()) throw fail("bytes after the last file");
    LayerFile l = manifest.layers().get(layer);
    if (part == 0) localNames.add(stack.allocate());
    String local = localNames.get(layer);
    outPath = dir.resolve(local + PARTS[part] + ".tmp");
    out = FileChannel.open(outPath, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    written.add(outPath);
    outRemaining = partBytes(l, part);
    outCrc = new CRC32C();
  }

  private static long partBytes(LayerFile l, int part) {
    return part == 0 ? l.tableBytes() : part == 1 ? l.bloomBytes() : l.blobBytes();
  }

  private void finishFile() throws IOException {
    LayerFile l = manifest.layers().get(layer);
    int expected = part == 0 ? l.tableCrc() : part == 1 ? l.bloomCrc() : l.blobCrc();
    out.force(true);
    out.close();
    out = null;
    if ((int) outCrc.getValue() != expected) throw fail("layer " + l.name() + " does not match its checksum");
    String name = outPath.getFileName().toString();
    Path target = dir.resolve(name.substring(0, name.length() - ".tmp".length()));
    Files.move(outPath, target, StandardCopyOption.ATOMIC_MOVE);
    written.add(target);
    do {
      part++;
    } while (part < PARTS.length && partBytes(l, part) == 0);
    if (part == PARTS.length) {
      received.add(new LayerFile(localNames.get(layer), l.tableBytes(), l.tableCrc(), l.bloomBytes(), l.bloomCrc(),
          l.blobBytes(), l.blobCrc(), l.entries()));
      part = 0;
      layer++;
    }
  }

  @Override
  public byte[] complete() {
    if (manifest == null || received.size() != manifest.layers().size() || bytesSeen != totalBytes) {
      throw fail("incomplete: " + bytesSeen + " of " + totalBytes + " bytes");
    }
    try {
      Fsync.directory(dir);
    } catch (IOException e) {
      abort();
      throw new StorageException("cannot force " + dir + ": " + e.getMessage(), e);
    }
    finished = true;
    // The names stay pinned until the restore that follows makes them the state's layers.
    return new Manifest(manifest.meta(), manifest.keyCount(), stack.nextSequence(), received).encode();
  }

  @Override
  public void abort() {
    if (finished) return;
    finished = true;
    try {
      if (out != null) out.close();
      for (Path p : written) Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // Left behind, the files are unreferenced: the next clean-up deletes them.
    }
    localNames.forEach(stack::release);
  }

  private StorageException fail(String why) {
    abort();
    return new StorageException("received key-value snapshot: " + why);
  }
}
