package io.bellwether.core.runtime;

import io.bellwether.core.spi.SnapshotData;
import io.bellwether.core.spi.SnapshotSink;
import io.bellwether.core.spi.StateMachine;
import io.bellwether.core.spi.StorageException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A state machine shaped like an on-disk one: its state is every command applied, in order; its
 * "disk" holds blobs; a snapshot's local form is a small manifest naming one of this node's blobs
 * ({@code blob:<node>:<n>}), its transferred form the blob's bytes, which a follower's sink writes
 * into a blob of its own. A node handed another node's manifest cannot restore it, and one that
 * received the manifest instead of the blob restores the wrong state.
 */
final class ManifestStateMachine implements StateMachine {

  private final String node;
  private final Map<String, byte[]> disk = new ConcurrentHashMap<>();
  private final AtomicInteger blobs = new AtomicInteger();
  private ByteArrayOutputStream state = new ByteArrayOutputStream();

  final AtomicInteger exports = new AtomicInteger();
  final AtomicInteger closes = new AtomicInteger();
  final AtomicInteger sinkChunks = new AtomicInteger();
  final AtomicLong sinkBytes = new AtomicLong();
  final List<String> restoredFrom = new CopyOnWriteArrayList<>();

  ManifestStateMachine(String node) {
    this.node = node;
  }

  private byte[] store(byte[] blob) {
    String key = "blob:" + node + ":" + blobs.incrementAndGet();
    disk.put(key, blob);
    return key.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public byte[] apply(long index, byte[] command) {
    state.writeBytes(command);
    return new byte[0];
  }

  @Override
  public byte[] query(byte[] query) {
    return state.toByteArray();
  }

  @Override
  public byte[] snapshot() {
    return store(state.toByteArray());
  }

  @Override
  public void restore(long index, byte[] snapshot) {
    String key = new String(snapshot, StandardCharsets.UTF_8);
    byte[] blob = disk.get(key);
    if (!key.startsWith("blob:" + node + ":") || blob == null) {
      throw new IllegalArgumentException("no blob " + key + " on " + node);
    }
    state = new ByteArrayOutputStream();
    state.writeBytes(blob);
    restoredFrom.add(key);
  }

  @Override
  public SnapshotData exportSnapshot(long lastIndex, byte[] localData) {
    String key = new String(localData, StandardCharsets.UTF_8);
    byte[] blob = disk.get(key);
    if (blob == null) throw new StorageException("no blob " + key + " on " + node);
    exports.incrementAndGet();
    SnapshotData bytes = SnapshotData.of(blob);
    return new SnapshotData() {
      @Override
      public long size() {
        return bytes.size();
      }

      @Override
      public int checksum() {
        return bytes.checksum();
      }

      @Override
      public byte[] read(long offset, int maxBytes) {
        return bytes.read(offset, maxBytes);
      }

      @Override
      public void close() {
        closes.incrementAndGet();
      }
    };
  }

  @Override
  public SnapshotSink receiveSnapshot(long lastIndex, long totalBytes) {
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    return new SnapshotSink() {
      @Override
      public void write(byte[] chunk) {
        sinkChunks.incrementAndGet();
        sinkBytes.addAndGet(chunk.length);
        received.writeBytes(chunk);
      }

      @Override
      public byte[] complete() {
        return store(received.toByteArray());
      }

      @Override
      public void abort() {}
    };
  }
}
