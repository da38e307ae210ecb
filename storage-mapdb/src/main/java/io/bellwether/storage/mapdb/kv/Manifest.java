package io.bellwether.storage.mapdb.kv;

import io.bellwether.core.kv.DurableKvStorage;
import io.bellwether.core.kv.KvFormatException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * The local form of a snapshot of the on-disk key-value state: the state machine's {@code meta} (log
 * clock, leases, idempotency records), the number of keys, and the layers that hold the keys, newest
 * first. It is what the log store keeps as the snapshot's data, so it is durable exactly when the
 * snapshot is: the applied index and the files that describe the state at it are saved in one record.
 * Ends with a CRC32C of everything before it.
 *
 * @param nextSequence the sequence number the next layer written here gets (its name is {@code L<n>})
 */
record Manifest(byte[] meta, long keyCount, long nextSequence, List<LayerFile> layers) {

  private static final int VERSION = 2;
  private static final Pattern LAYER_NAME = Pattern.compile("L[0-9]{1,18}");
  /** Far above any real manifest (leases with their keys, idempotency records), far below the heap. */
  static final int MAX_BYTES = 64 << 20;

  Manifest {
    layers = List.copyOf(layers);
  }

  static boolean isLayerName(String name) {
    return LAYER_NAME.matcher(name).matches();
  }

  byte[] encode() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(meta.length + 64 + layers.size() * 64);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(1);
      out.writeByte(DurableKvStorage.LOCAL_FORM_TAG);
      out.writeInt(VERSION);
      out.writeInt(meta.length);
      out.write(meta);
      out.writeLong(keyCount);
      out.writeLong(nextSequence);
      out.writeInt(layers.size());
      for (LayerFile l : layers) {
        out.writeUTF(l.name());
        out.writeLong(l.tableBytes());
        out.writeInt(l.tableCrc());
        out.writeLong(l.bloomBytes());
        out.writeInt(l.bloomCrc());
        out.writeLong(l.blobBytes());
        out.writeInt(l.blobCrc());
        out.writeLong(l.entries());
      }
      CRC32C crc = new CRC32C();
      crc.update(bytes.toByteArray());
      out.writeInt((int) crc.getValue());
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array stream does not fail
    }
  }

  /**
   * @throws KvFormatException if {@code data} is not a whole, undamaged manifest
   */
  static Manifest decode(byte[] data) {
    if (data.length < 6 || data.length > MAX_BYTES) throw bad("size " + data.length);
    CRC32C crc = new CRC32C();
    crc.update(data, 0, data.length - 4);
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
    try {
      if (in.readByte() != 1 || in.readByte() != DurableKvStorage.LOCAL_FORM_TAG) throw bad("not a manifest");
      int version = in.readInt();
      if (version != VERSION) throw bad("unknown version " + version);
      int metaLength = in.readInt();
      if (metaLength < 0 || metaLength > data.length) throw bad("meta length " + metaLength);
      byte[] meta = in.readNBytes(metaLength);
      long keyCount = in.readLong();
      long nextSequence = in.readLong();
      int count = in.readInt();
      if (keyCount < 0 || nextSequence < 0 || count < 0 || count > 10_000) throw bad("counts");
      List<LayerFile> layers = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        String name = in.readUTF();
        // Names become file names: a manifest from a peer must not reach outside the directory.
        if (!isLayerName(name)) throw bad("layer name '" + name + "'");
        LayerFile l = new LayerFile(name, in.readLong(), in.readInt(), in.readLong(), in.readInt(),
            in.readLong(), in.readInt(), in.readLong());
        if (l.tableBytes() <= 0 || l.bloomBytes() < 0 || l.blobBytes() < 0 || l.entries() <= 0) {
          throw bad("layer " + name + " sizes");
        }
        layers.add(l);
      }
      int expected = in.readInt();
      if (in.available() != 0) throw bad("trailing bytes");
      if (expected != (int) crc.getValue()) throw bad("checksum mismatch");
      return new Manifest(meta, keyCount, nextSequence, layers);
    } catch (IOException e) {
      throw bad("truncated");
    }
  }

  private static KvFormatException bad(String why) {
    return new KvFormatException("key-value state manifest: " + why);
  }
}
