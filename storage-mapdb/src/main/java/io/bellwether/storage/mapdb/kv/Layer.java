package io.bellwether.storage.mapdb.kv;

import com.google.common.hash.BloomFilter;
import com.google.common.hash.Funnels;
import io.bellwether.storage.mapdb.Fsync;
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

  final LayerFile file;
  private final Volume volume;
  private final SortedTableMap<byte[], byte[]> table;
  private final BloomFilter<byte[]> bloom;

  private Layer(LayerFile file, Volume volume, SortedTableMap<byte[], byte[]> table, BloomFilter<byte[]> bloom) {
    this.file = file;
    this.volume = volume;
    this.table = table;
    this.bloom = bloom;
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
    Volume volume = MappedFileVol.FACTORY.makeVolume(table.toString(), true);
    try {
      return new Layer(file, volume, SortedTableMap.open(volume, Serializer.BYTE_ARRAY, Serializer.BYTE_ARRAY), bloom);
    } catch (RuntimeException e) {
      volume.close();
      throw new IOException("layer " + table + " does not open: " + e, e);
    }
  }

  /** The stored value for {@code key} (possibly a tombstone), or null if this layer has none. */
  byte[] getRaw(byte[] key) {
    if (bloom != null && !bloom.mightContain(key)) return null;
    return table.get(key);
  }

  /** Entries from {@code from} (all if null), in key order, values raw. */
  Iterator<Map.Entry<byte[], byte[]>> from(byte[] from, boolean inclusive) {
    return from == null ? table.entryIterator() : table.entryIterator(from, inclusive, null, false);
  }

  @Override
  public void close() {
    volume.close();
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
    BloomFilter<byte[]> bloom = withBloom
        ? BloomFilter.create(Funnels.byteArrayFunnel(), Math.max(1, expectedEntries), BLOOM_FALSE_POSITIVES)
        : null;
    long count = 0;
    Volume volume = MappedFileVol.FACTORY.makeVolume(tableTmp.toString(), false);
    try {
      SortedTableMap.Sink<byte[], byte[]> sink =
          SortedTableMap.create(volume, Serializer.BYTE_ARRAY, Serializer.BYTE_ARRAY).createFromSink();
      while (sorted.hasNext()) {
        Map.Entry<byte[], byte[]> e = sorted.next();
        sink.put(e.getKey(), e.getValue());
        if (bloom != null) bloom.put(e.getKey());
        count++;
      }
      if (count > 0) {
        sink.create();
        volume.sync();
      }
    } finally {
      volume.close();
    }
    if (count == 0) {
      Files.deleteIfExists(tableTmp);
      return null;
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
    long tableBytes = Files.size(tableTmp);
    int tableCrc = crc32c(tableTmp);
    Files.move(tableTmp, dir.resolve(name + ".sst"), StandardCopyOption.ATOMIC_MOVE);
    return new LayerFile(name, tableBytes, tableCrc, bloomBytes, bloomCrc, count);
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
