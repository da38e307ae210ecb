package io.bellwether.core.inmem;

import io.bellwether.core.spi.LogStore;
import io.bellwether.core.spi.NodeContext;
import io.bellwether.core.spi.StorageProvider;

/**
 * Storage provider {@code inmem}: opens a fresh, empty {@link InMemoryLogStore} every time. It keeps
 * nothing across process restarts, nor across two opens in one process, so a node using it forgets
 * its log and vote when it stops: fine for tests and demos, never for a cluster that must survive
 * restarts.
 */
public final class InMemoryStorageProvider implements StorageProvider {

  @Override
  public String name() {
    return "inmem";
  }

  /** A new empty store; {@code context.dataDir()} is ignored. */
  @Override
  public LogStore open(NodeContext context) {
    return new InMemoryLogStore();
  }
}
