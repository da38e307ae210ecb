package io.bellwether.testkit.contract;

import io.bellwether.core.inmem.InMemoryLogStore;
import io.bellwether.core.spi.LogStore;
import org.junit.jupiter.api.Assumptions;

// Goal: prove core's InMemoryLogStore honours the LogStore contract (it keeps nothing across restarts,
// so the durability tests are skipped, as the contract allows).
class InMemoryLogStoreContractTest extends LogStoreContract {

  @Override
  protected LogStore newStore() {
    return new InMemoryLogStore();
  }

  @Override
  protected LogStore reopen(LogStore closed) {
    Assumptions.abort("InMemoryLogStore keeps nothing across restarts");
    throw new AssertionError("unreachable");
  }
}
