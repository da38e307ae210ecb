package io.bellwether.node;

import io.bellwether.testkit.inmem.CrashableLogStore;
import io.bellwether.core.spi.LogStore;
import io.bellwether.core.spi.NodeContext;
import io.bellwether.core.spi.StorageProvider;

/**
 * Test-only storage provider {@code failing-inmem}: an in-memory store whose disk "fails" (every
 * sync throws) once {@code storage.failing.after.syncs} syncs have returned. Registered through
 * this module's test {@code META-INF/services}, so a node in a test can be assembled with it by name.
 */
public final class FailingStorageProvider implements StorageProvider {

  @Override
  public String name() {
    return "failing-inmem";
  }

  @Override
  public LogStore open(NodeContext context) {
    CrashableLogStore store = new CrashableLogStore();
    store.failSyncsAfter(context.settings().getLong("storage.failing.after.syncs", 20, 0, Long.MAX_VALUE));
    return store;
  }
}
