package io.bellwether.core.inmem;

import io.bellwether.core.contract.LogStoreContract;
import io.bellwether.core.spi.LogStore;

// Goal: prove InMemoryLogStore honours the LogStore contract, durability included.
// Method: run the shared suite; a "reopen" is a crash copy, which keeps exactly what was synced.
class InMemoryLogStoreContractTest extends LogStoreContract {

  @Override
  protected LogStore newStore() {
    return new InMemoryLogStore();
  }

  @Override
  protected LogStore reopen(LogStore closed) {
    return ((InMemoryLogStore) closed).crashCopy();
  }
}
