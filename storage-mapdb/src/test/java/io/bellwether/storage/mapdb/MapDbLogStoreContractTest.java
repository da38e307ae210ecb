package io.bellwether.storage.mapdb;

import io.bellwether.testkit.contract.LogStoreContract;
import io.bellwether.core.spi.LogStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

// Goal: prove MapDbLogStore honours every clause of the LogStore contract, durability included, when
// it reads entries back from its segments rather than from memory.
// Method: core's LogStoreContract suite, each store in its own directory, reopened from that directory,
// with a cache of two entries, so that nearly every read of a synced entry goes to the disk.
class MapDbLogStoreContractTest extends LogStoreContract {

  /** Small segments: the suite opens dozens of stores, each preallocating one. */
  private static final long SEGMENT_BYTES = 64 * 1024;

  /** A cache that holds almost nothing: reads come from the segments. */
  private static final int CACHE_ENTRIES = 2;

  private static final long CACHE_BYTES = 100;

  @TempDir Path root;
  private int stores;

  @Override
  protected LogStore newStore() {
    try {
      return MapDbLogStore.open(Files.createDirectory(root.resolve("store-" + stores++)), SEGMENT_BYTES,
          CACHE_ENTRIES, CACHE_BYTES);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  protected LogStore reopen(LogStore closed) {
    return MapDbLogStore.open(((MapDbLogStore) closed).directory(), SEGMENT_BYTES, CACHE_ENTRIES, CACHE_BYTES);
  }
}
