package io.bellwether.storage.mapdb.kv;

import com.google.common.hash.BloomFilter;
import com.google.common.hash.Funnels;
import io.bellwether.storage.mapdb.Fsync;
import io.bellwether.core.spi.StorageException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.AbstractMap;
import java.util.Iterator;
import java.util.Map;
import java.util.zip.CRC32C;
import org.mapdb.Serializer;
import org.mapdb.SortedTableMap;
import org.mapdb.volume.MappedFileVol;
import org.mapdb.volume.Volume;

/**
 * One immutable layer, open for reading: a MapDB {@link SortedTableMap} (a sorted table of pages,
 * binary-searched, memory-mapped read-only: the page cache holds it, not the heap) from key bytes to
 * {@link LayerValue}s, and a Bloom filter that lets a lookup skip the layer for most keys it does not
 * hold. Written once by {@link #write}, never changed, deleted when no manifest names it any more.
 *
 * <p>Thread-safe for reads. A handle belongs to the thread that opened it, which closes it: closing
 * unmaps the file, and a read of an unmapped file would crash the JVM.
 */
final class Layer implements AutoCloseable {

  /** False positives the Bloom filters allow: a tenth of a lookup's cost in memory per key. */
  private static final double BLOOM_FALSE_POSITIVES = 0.01;

  /**
   * The table's page and node sizes. A node (entries binary-searched together) must fit in a page;
   * 8 entries of a 1 KiB key and an inline value (at most {@link LayerValue#INLINE_MAX_BYTES}) do. Small
   * pages keep a small layer small: the file is cut to its last page.
   */
  private static final int PAGE_BYTES = 64 << 10;
  private static final int NODE_ENTRIES = 8;

  final LayerFile file;
  private final Volume volume;
  private final SortedTableMap<byte[], byte[]> table;
  private final BloomFilter<byte[]> bloom;
  private final FileChannel blob;

  private Layer(LayerFile file, Volume volume, SortedTableMap<byte[], byte[]> table, BloomFilter<byte[]> bloom,
      FileChannel blob) {
    this.file = file;
    this.volume = volume;
    this.table = table;
    this.bloom = bloom;
    this.blob = blob;
  }

  /**
   * Opens {@code file} in {@code dir}.
   *
   * @throws IOException if a file is missing or does not open as a layer
   */
  static Layer open(Path dir, LayerFile file) throws IOException {
    Path table = dir.resolve(file.tableFile());
    if (!Files.isRegularFile(table)) throw new IOException("layer file missing: " + table);
    BloomFilter<byte[]> bloom = null;
    if (file.hasBloom()) {
      try (InputStream in = new BufferedInputStream(Files.newInputStream(dir.resolve(file.bloomFile())))) {
        bloom = BloomFilter.readFrom(in, Funnels.byteArrayFunnel());
      }
    }
    FileChannel blob = file.hasBlob() ? FileChannel.open(dir.resolve(file.blobFile()), StandardOpenOption.READ) : null;
    Volume volume = MappedFileVol.FACTORY.makeVolume(table.toString(), true);
    try {
      return new Layer(file, volume, SortedTableMap.open(volume, Serializer.BYTE_ARRAY, Serializer.BYTE_ARRAY), bloom, blob);
    } catch (RuntimeException e) {
      volume.close();
      if (blob != null) blob.close();
      throw new IOException("layer " + table + " does not open: " + e, e);
    }
  }

  /** The stored value for {@code key} (possibly a tombstone), or null if this layer has none. */
  byte[] getRaw(byte[] key) {
    if (bloom != null && !bloom.mightContain(key)) return null;
    byte[] raw = table.get(key);
    return raw == null ? null : resolve(raw);
  }

  /** Entries from {@code from} (all if null), in key order, values raw (never a blob reference). */
  Iterator<Map.Entry<byte[], byte[]>> from(byte[] from, boolean inclusive) {
    Iterator<Map.Entry<byte[], byte[]>> it =
        from == null ? table.entryIterator() : table.entryIterator(from, inclusive, null, false);
    if (blob == null) return it;
    return new Mapped<>(it, e -> new AbstractMap.SimpleImmutableEntry<>(e.getKey(), resolve(e.getValue())));
  }

  /** A value kept in the blob file, read back into the table's form (flag 1); others as they are. */
  private byte[] resolve(byte[] raw) {
    if (!LayerValue.isOutside(raw)) return raw;
    long[] at = LayerValue.outsideLocation(raw);
    int header = (int) at[0];
    byte[] out = new byte[Math.toIntExact(header + at[2])];
    out[0] = 1;
    System.arraycopy(raw, 1, out, 1, header - 1);
    ByteBuffer into = ByteBuffer.wrap(out, header, (int) at[2]);
    try {
      while (into.hasRemaining()) {
        if (blob.read(into, at[1] + into.position() - header) < 0) throw new IOException("blob file too short");
      }
    } catch (IOException e) {
      throw new StorageException("cannot read a value from " + file.blobFile() + ": " + e.getMessage(), e);
    }
    return out;
  }

  @Override
  public void close() {
    volume.close();
    if (blob != null) {
      try {
        blob.close();
      } catch (IOException ignored) {
        // read-only: nothing is lost
      }
    }
  }

  /**
   * Writes a layer of {@code sorted} (ascending unsigned key bytes, no repeats) into {@code dir} as
   * {@code name}: under temporary names, forced, then renamed, so a crash never leaves a partial file
   * under a layer's name. The caller forces the directory.
   *
   * @param expectedEntries an upper bound on the entries, sizing the Bloom filter
   * @param withBloom false for the oldest layer, which every lookup that got that far reads anyway
   * @return the layer's description, or null if {@code sorted} was empty (no file is left)
   */
  static LayerFile write(Path dir, String name, Iterator<Map.Entry<byte[], byte[]>> sorted,
      long expectedEntries, boolean withBloom) throws IOException {
    Path tableTmp = dir.resolve(name + ".sst.tmp");
    Path bloomTmp = dir.resolve(name + ".bloom.tmp");
    Path blobTmp = dir.resolve(name + ".blob.tmp");
    BloomFilter<byte[]> bloom = withBloom
        ? BloomFilter.create(Funnels.byteArrayFunnel(), Math.max(1, expectedEntries), BLOOM_FALSE_POSITIVES)
        : null;
    long count = 0;
    long blobBytes = 0;
    long usedBytes = 0;
    FileChannel blob = null;
    Volume volume = MappedFileVol.FACTORY.makeVolume(tableTmp.toString(), false);
    try {
      SortedTableMap.Sink<byte[], byte[]> sink = SortedTableMap
          .create(volume, Serializer.BYTE_ARRAY, Serializer.BYTE_ARRAY)
          .pageSize(PAGE_BYTES).nodeSize(NODE_ENTRIES).createFromSink();
      while (sorted.hasNext()) {
        Map.Entry<byte[], byte[]> e = sorted.next();
        byte[] raw = e.getValue();
        if (LayerValue.goesOutside(raw)) {
          if (blob == null) {
            blob = FileChannel.open(blobTmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
          }
          int header = LayerValue.headerLength(raw);
          ByteBuffer value = ByteBuffer.wrap(raw, header, raw.length - header);
          long offset = blobBytes;
          while (value.hasRemaining()) blobBytes += blob.write(value, blobBytes);
          raw = LayerValue.outside(raw, offset);
        }
        sink.put(e.getKey(), raw);
        if (bloom != null) bloom.put(e.getKey());
        count++;
      }
      if (count > 0) {
        SortedTableMap<byte[], byte[]> table = sink.create();
        usedBytes = (table.getPageCount() + 1) * table.getPageSize();
        volume.sync();
      }
    } finally {
      volume.close();
      if (blob != null) blob.close();
    }
    if (count == 0) {
      Files.deleteIfExists(tableTmp);
      Files.deleteIfExists(blobTmp);
      return null;
    }
    // The volume grows in large steps; the table ends with its last page.
    try (FileChannel table = FileChannel.open(tableTmp, StandardOpenOption.WRITE)) {
      if (table.size() > usedBytes) table.truncate(usedBytes);
      table.force(true);
    }
    long bloomBytes = 0;
    int bloomCrc = 0;
    if (bloom != null) {
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(bloomTmp))) {
        bloom.writeTo(out);
      }
      Fsync.file(bloomTmp);
      bloomBytes = Files.size(bloomTmp);
      bloomCrc = crc32c(bloomTmp);
      Files.move(bloomTmp, dir.resolve(name + ".bloom"), StandardCopyOption.ATOMIC_MOVE);
    }
    int blobCrc = 0;
    if (blobBytes > 0) {
      Fsync.file(blobTmp);
      blobCrc = crc32c(blobTmp);
      Files.move(blobTmp, dir.resolve(name + ".blob"), StandardCopyOption.ATOMIC_MOVE);
    }
    long tableBytes = Files.size(tableTmp);
    int tableCrc = crc32c(tableTmp);
    Files.move(tableTmp, dir.resolve(name + ".sst"), StandardCopyOption.ATOMIC_MOVE);
    return new LayerFile(name, tableBytes, tableCrc, bloomBytes, bloomCrc, blobBytes, blobCrc, count);
  }

  /** CRC32C of a whole file, read in large pieces. */
  static int crc32c(Path file) throws IOException {
    CRC32C crc = new CRC32C();
    ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      while (ch.read(buf) >= 0) {
        buf.flip();
        crc.update(buf);
        buf.clear();
      }
    }
    return (int) crc.getValue();
  }
}
