package io.bellwether.core.engine;

import io.bellwether.core.message.InstallSnapshot;
import io.bellwether.core.message.InstallSnapshotResponse;
import io.bellwether.core.spi.Snapshot;
import io.bellwether.core.spi.SnapshotData;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A leader's sending of snapshots to followers that need entries it compacted away (Raft §7): it
 * starts a {@link SnapshotTransfer} for such a follower, sends its chunks as InstallSnapshot
 * messages, resends a chunk that went unanswered for a heartbeat interval, and tells the
 * replication when the follower installed the whole. What it sends is the snapshot's transferred
 * form, exported once per transfer (never per chunk) through the port given to the engine ({@link
 * SnapshotPorts#exporter}).
 *
 * <p>Separate from {@link LogReplicator} because it speaks another message and moves in bytes, not
 * entries; the replicator only decides when a follower needs a snapshot and what follows its
 * installation. One lives as long as one leadership, like {@link Leader}.
 */
final class SnapshotSender {

  private final String id;
  private final long term;
  private final long maxChunkBytes;
  private final Effects effects;
  private final Supplier<Snapshot> latestSnapshot;
  private final Function<Snapshot, SnapshotData> exporter;

  SnapshotSender(String id, long term, long maxChunkBytes, Effects effects,
      Supplier<Snapshot> latestSnapshot, Function<Snapshot, SnapshotData> exporter) {
    this.id = id;
    this.term = term;
    this.maxChunkBytes = maxChunkBytes;
    this.effects = effects;
    this.latestSnapshot = latestSnapshot;
    this.exporter = exporter;
  }

  /**
   * Starts sending this node's newest snapshot to {@code peer}, whose next entry is compacted away.
   *
   * @throws IllegalStateException if the log was compacted without a snapshot (a bug)
   * @throws io.bellwether.core.spi.StorageException if the snapshot cannot be exported or read
   */
  void start(String peer, Progress pr) {
    Snapshot snapshot = latestSnapshot.get();
    if (snapshot == null) {
      throw new IllegalStateException(
          "log compacted before index " + pr.nextIndex() + " without a snapshot");
    }
    SnapshotTransfer transfer = new SnapshotTransfer(snapshot, exporter.apply(snapshot));
    pr.becomeSnapshot(transfer);
    sendNextChunk(peer, transfer);
  }

  /**
   * {@code peer} answered a heartbeat but none of our chunks since the last one: the chunk or its
   * answer was lost, so it is sent again.
   */
  void resend(String peer, SnapshotTransfer transfer) {
    transfer.chunkLost();
    sendNextChunk(peer, transfer);
  }

  /**
   * {@code r} answers a chunk of {@code transfer}: sends the chunk the follower expects next, unless
   * it installed the whole.
   *
   * @return whether the follower installed the snapshot
   */
  boolean onResponse(InstallSnapshotResponse r, SnapshotTransfer transfer) {
    if (r.installed()) return true;
    transfer.followerExpects(r.nextOffset());
    sendNextChunk(r.from(), transfer);
    return false;
  }

  private void sendNextChunk(String peer, SnapshotTransfer transfer) {
    SnapshotTransfer.Chunk chunk = transfer.nextChunk(maxChunkBytes);
    if (chunk == null) return; // one chunk at a time: flow control
    Snapshot snap = transfer.snapshot();
    SnapshotData data = transfer.data(); // its checksum is computed once, not once per chunk
    effects.send(new InstallSnapshot(id, peer, term, snap.lastIndex(), snap.lastTerm(),
        data.size(), data.checksum(), chunk.offset(), chunk.data(), snap.membership()));
  }
}
