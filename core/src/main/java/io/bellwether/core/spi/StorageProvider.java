package io.bellwether.core.spi;

/**
 * Opens a {@link LogStore}. Registered with {@link java.util.ServiceLoader}; chosen by {@link #name()}
 * from configuration ({@code storage=mapdb}).
 */
public interface StorageProvider {

  /** The name configuration uses to choose this provider, such as {@code mapdb} or {@code inmem}. */
  String name();

  /**
   * Opens (creating when new) the store in {@code context.dataDir()}. Called once per node on the
   * assembling thread; may block on the disk.
   *
   * @throws StorageException if the directory is locked by another process, unreadable or corrupt;
   *     never silently starts an empty store over data it cannot read
   * @throws IllegalArgumentException naming the setting when a {@code storage.*} setting is invalid
   */
  LogStore open(NodeContext context);
}
