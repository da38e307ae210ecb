package io.bellwether.core.kv;

import io.bellwether.core.spi.SnapshotCapture;
import io.bellwether.core.spi.SnapshotData;
import io.bellwether.core.spi.SnapshotSink;

/**
 * A {@link KvStorage} that keeps its entries on disk and makes its own snapshots: a snapshot's local
 * form (what the log store keeps and a restart restores) is a small manifest naming immutable files,
 * not the entries themselves, so taking, storing and restoring a snapshot cost no time proportional to
 * the data. {@link KvStateMachine} hands it the rest of the state (log clock, leases, idempotency
 * records) as opaque {@code meta} bytes to keep in the manifest.
 *
 * <p>A manifest starts with the two bytes {@code 1, }{@link #LOCAL_FORM_TAG}, so a state machine can
 * tell it from the in-memory layout and refuse a data directory written by the other kind.
 *
 * <p><b>Threading.</b> As {@link KvStorage}: the node thread, except {@link SnapshotCapture#write()}
 * of a capture, which runs on the snapshot writer thread.
 *
 * <p><b>Durability.</b> What {@link #capture} writes is durable when its {@code write()} returns; a
 * manifest it returns stays restorable (its files are kept) at least until the next manifest is
 * returned or restored, by when the caller has made that one durable.
 */
public interface DurableKvStorage extends KvStorage, AutoCloseable {

  /** The second byte of a local form (after the format version 1). */
  int LOCAL_FORM_TAG = 0x43;

  /**
   * Captures the entries as they are now, with {@code meta}, the rest of the state at the same index.
   * Cheap on the node thread (no copy of the data); the returned capture writes what changed since
   * the last one and returns the new manifest.
   *
   * @throws IllegalStateException if the previous capture has not been written yet
   */
  SnapshotCapture capture(byte[] meta);

  /**
   * Replaces every entry with those of {@code localData}, a manifest this storage (or its {@link
   * #receive} sink) produced, and returns its meta. On failure the entries are unchanged.
   *
   * @throws KvFormatException if {@code localData} is not a manifest, or names files that are missing
   *     or damaged
   */
  byte[] restore(byte[] localData);

  /** The bytes sent to a follower for {@code localData}: the manifest and the files it names. */
  SnapshotData export(byte[] localData);

  /**
   * How many bytes {@link #export} of {@code localData} would send, from the manifest alone (no file
   * is opened): the snapshot's size a node reports. Node thread; never blocks. By default the
   * manifest's own length, for a storage whose manifest is the whole state.
   *
   * @throws KvFormatException if {@code localData} is not a manifest
   */
  default long transferredBytes(byte[] localData) {
    return localData.length;
  }

  /** A sink for bytes another node's {@link #export} produced; it completes with a local manifest. */
  SnapshotSink receive(long totalBytes);

  /** Stops background work and closes files. Idempotent. */
  @Override
  void close();
}
