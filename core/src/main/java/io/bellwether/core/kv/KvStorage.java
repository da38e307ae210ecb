package io.bellwether.core.kv;

import java.util.Iterator;
import java.util.Map;

/**
 * Where the key-value state machine keeps its keys: a sorted map from key to {@link Versioned}, in
 * {@link KeyOrder} (the order of the keys' UTF-8 bytes). {@link KvStateMachine} decides what to write;
 * a storage only keeps it. The in-memory one ({@link #inMemory()}) holds everything in the heap; a
 * {@link DurableKvStorage} keeps its entries on disk and checkpoints them itself.
 *
 * <p><b>Threading.</b> The node's runtime thread calls every method (see {@link
 * io.bellwether.core.spi.StateMachine}); an implementation may work on other threads of its own.
 *
 * <p><b>Errors.</b> A storage that cannot read or write its medium throws {@link
 * io.bellwether.core.spi.StorageException}: the node stops rather than answer from a state it cannot
 * trust.
 */
public interface KvStorage {

  /** The entry for {@code key}, or null if there is none. */
  Versioned get(String key);

  /**
   * Sets {@code key} to {@code value}.
   *
   * @param isNew whether the key had no entry before (the caller just looked): keeps {@link #size()}
   *     exact without a second lookup
   */
  void put(String key, Versioned value, boolean isNew);

  /** Removes {@code key}, which has an entry (the caller just looked). */
  void remove(String key);

  /**
   * The entries in key order, starting at {@code from} (included if {@code inclusive}), or at the first
   * key if {@code from} is null. The iterator reads the storage as it is while iterating: use it before
   * the next change.
   */
  Iterator<Map.Entry<String, Versioned>> entriesFrom(String from, boolean inclusive);

  /** The number of keys. */
  long size();

  /** A storage that keeps every entry in a sorted map in the heap: for embedding and tests. */
  static KvStorage inMemory() {
    return new HeapKvStorage();
  }
}
