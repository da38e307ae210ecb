package io.bellwether.testkit.guide;

import io.bellwether.core.spi.LogStore;
import io.bellwether.testkit.contract.LogStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

// Goal: the guide in testkit/README.md, run as a test: a plug-in author proves a storage module by
// extending the contract suite and saying how to open and reopen a store.
class WholeFileLogStoreContractTest extends LogStoreContract {

  @TempDir Path dir;

  @Override
  protected LogStore newStore() {
    return new WholeFileLogStore(dir);
  }

  @Override
  protected LogStore reopen(LogStore closed) {
    return new WholeFileLogStore(dir); // what a restarted node finds in the same directory
  }
}
