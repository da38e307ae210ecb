package io.bellwether.testkit.contract;

import io.bellwether.core.spi.LogStore;
import io.bellwether.testkit.inmem.CrashableLogStore;

// Goal: prove the test kit's crash-modelling store honours the LogStore contract, durability included:
// a restart sees exactly what was synced.
class CrashableLogStoreContractTest extends LogStoreContract {

  @Override
  protected LogStore newStore() {
    return new CrashableLogStore();
  }

  @Override
  protected LogStore reopen(LogStore closed) {
    return ((CrashableLogStore) closed).crashCopy();
  }
}
