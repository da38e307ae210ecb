package io.bellwether.storage.mapdb.kv;

import io.bellwether.core.spi.SnapshotData;
import io.bellwether.core.spi.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * A snapshot of the on-disk state as sent to a follower: {@link #MAGIC}, the manifest's length and
 * bytes, then every layer's table, Bloom filter and blob files (those it has) in the manifest's order. Read by offset from
 * the files themselves, which are immutable: nothing is copied into the heap but the chunk asked for.
 * The files are opened when the bundle is made and stay readable even if a merge deletes their names
 * meanwhile; {@link #close} releases them.
 */
final class KvBundle implements SnapshotData {

  static final byte[] MAGIC = "BWKVBNDL".getBytes(StandardCharsets.US_ASCII);
  /** The magic and the manifest's length. */
  static final int PREFIX_BYTES = MAGIC.length + 4;

  private final byte[] header;
  private final List<FileChannel> files;
  private final long[] fileBytes;
  private final long size;
  private final int checksum;

  private KvBundle(byte[] header, List<FileChannel> files, long[] fileBytes, int checksum) {
    this.header = header;
    this.files = files;
    this.fileBytes = fileBytes;
    long total = header.length;
    for (long b : fileBytes) total += b;
    this.size = total;
    this.checksum = checksum;
  }

  /** The size of the bundle {@link #open} would make of {@code manifest}, without opening anything. */
  static long sizeOf(Manifest manifest, byte[] manifestBytes) {
    long total = PREFIX_BYTES + manifestBytes.length;
    for (LayerFile l : manifest.layers()) total += l.totalBytes();
    return total;
  }

  /**
   * @throws StorageException if a file the manifest names cannot be opened (the log store's latest
   *     snapshot always has its files: they are deleted only once a newer manifest is durable)
   */
  static KvBundle open(Path dir, Manifest manifest, byte[] manifestBytes) {
    ByteBuffer header = ByteBuffer.allocate(PREFIX_BYTES + manifestBytes.length);
    header.put(MAGIC).putInt(manifestBytes.length).put(manifestBytes);
    CRC32C headerCrc = new CRC32C();
    headerCrc.update(header.array());
    int crc = (int) headerCrc.getValue();
    List<FileChannel> channels = new ArrayList<>();
    List<Long> sizes = new ArrayList<>();
    try {
      for (LayerFile l : manifest.layers()) {
        channels.add(FileChannel.open(dir.resolve(l.tableFile()), StandardOpenOption.READ));
        sizes.add(l.tableBytes());
        crc = Crc32c.combine(crc, l.tableCrc(), l.tableBytes());
        if (l.hasBloom()) {
          channels.add(FileChannel.open(dir.resolve(l.bloomFile()), StandardOpenOption.READ));
          sizes.add(l.bloomBytes());
          crc = Crc32c.combine(crc, l.bloomCrc(), l.bloomBytes());
        }
        if (l.hasBlob()) {
          channels.add(FileChannel.open(dir.resolve(l.blobFile()), StandardOpenOption.READ));
          sizes.add(l.blobBytes());
          crc = Crc32c.combine(crc, l.blobCrc(), l.blobBytes());
        }
      }
    } catch (IOException e) {
      closeAll(channels);
      throw new StorageException("cannot open the key-value snapshot's files in " + dir + ": " + e.getMessage(), e);
    }
    return new KvBundle(header.array(), channels, sizes.stream().mapToLong(Long::longValue).toArray(), crc);
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public int checksum() {
    return checksum;
  }

  @Override
  public byte[] read(long offset, int maxBytes) {
    if (offset < 0 || offset > size) throw new IllegalArgumentException("offset " + offset + " outside " + size);
    ByteBuffer out = ByteBuffer.allocate((int) Math.min(maxBytes, size - offset));
    long segmentStart = 0;
    try {
      // The header, then each file: copy from every segment the range overlaps.
      if (offset < header.length) {
        int n = (int) Math.min(out.remaining(), header.length - offset);
        out.put(header, (int) offset, n);
      }
      segmentStart = header.length;
      for (int i = 0; i < files.size() && out.hasRemaining(); i++) {
        long segmentEnd = segmentStart + fileBytes[i];
        long at = offset + out.position();
        if (at < segmentEnd) {
          long position = at - segmentStart;
          int limit = (int) Math.min(out.remaining(), segmentEnd - at);
          ByteBuffer slice = out.slice(out.position(), limit);
          while (slice.hasRemaining()) {
            int read = files.get(i).read(slice, position + slice.position());
            if (read < 0) throw new IOException("file shorter than the manifest says");
          }
          out.position(out.position() + limit);
        }
        segmentStart = segmentEnd;
      }
    } catch (IOException e) {
      throw new StorageException("cannot read the key-value snapshot: " + e.getMessage(), e);
    }
    return out.array();
  }

  @Override
  public void close() {
    closeAll(files);
  }

  private static void closeAll(List<FileChannel> channels) {
    for (FileChannel c : channels) {
      try {
        c.close();
      } catch (IOException ignored) {
        // read-only: nothing is lost
      }
    }
  }
}
