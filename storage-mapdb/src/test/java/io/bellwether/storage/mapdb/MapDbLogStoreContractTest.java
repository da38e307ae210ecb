package io.bellwether.storage.mapdb;

import io.bellwether.testkit.contract.LogStoreContract;
import io.bellwether.core.spi.LogStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

// Goal: prove MapDbLogStore honours every clause of the LogStore contract, durability included.
// Method: core's LogStoreContract suite, each store in its own directory, reopened from that directory.
class MapDbLogStoreContractTest extends LogStoreContract {

  /** Small segments: the suite opens dozens of stores, each preallocating one. */
  private static final long SEGMENT_BYTES = 64 * 1024;

  @TempDir Path root;
  private int stores;

  @Override
  protected LogStore newStore() {
    try {
      return MapDbLogStore.open(Files.createDirectory(root.resolve("store-" + stores++)), SEGMENT_BYTES);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  protected LogStore reopen(LogStore closed) {
    return MapDbLogStore.open(((MapDbLogStore) closed).directory(), SEGMENT_BYTES);
  }
}
