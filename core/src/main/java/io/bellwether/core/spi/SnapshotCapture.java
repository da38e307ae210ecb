package io.bellwether.core.spi;

/**
 * A snapshot captured on the node thread ({@link StateMachine#captureSnapshot}), to be written out
 * on the snapshot writer thread, so that a large state's write never holds up the node thread.
 */
@FunctionalInterface
public interface SnapshotCapture {

  /**
   * Produces the local snapshot data: the state exactly as it was when captured, such that {@link
   * StateMachine#restore} rebuilds it; what the {@link LogStore} then stores. Called once, on the
   * snapshot writer thread, concurrently with {@link StateMachine#apply} and {@link
   * StateMachine#query} on the node thread, so it must read only what the capture froze, never the
   * live state. May block on I/O; what it names (files, say) must be durable when it returns.
   *
   * @throws RuntimeException on failure, which stops the node like a failed sync (a
   *     {@link StorageException} for a disk that failed)
   */
  byte[] write();
}
