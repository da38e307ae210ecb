package io.bellwether.core.kv;

import java.nio.file.Path;

/**
 * Opens a {@link DurableKvStorage}: the key-value state kept on disk. Registered with {@link
 * java.util.ServiceLoader}; chosen by {@link #name()} from configuration ({@code kv.state=mapdb}).
 * Without one, the state stays in memory ({@link KvStorage#inMemory()}).
 */
public interface KvStorageProvider {

  /** The name configuration uses to choose this provider, such as {@code mapdb}. */
  String name();

  /**
   * Opens (creating when new) the state in {@code directory}, empty until the state machine restores
   * the log store's latest snapshot. Called once per node on the assembling thread; may block on the
   * disk. The caller holds the data directory's lock (the log store took it).
   *
   * @throws io.bellwether.core.spi.StorageException if the directory cannot be created or read
   */
  DurableKvStorage open(Path directory);
}
