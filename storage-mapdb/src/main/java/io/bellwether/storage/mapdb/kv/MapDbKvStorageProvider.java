package io.bellwether.storage.mapdb.kv;

import io.bellwether.core.kv.DurableKvStorage;
import io.bellwether.core.kv.KvStorageProvider;
import java.nio.file.Path;

/** {@code kv.state=mapdb}: the key-value state in immutable MapDB layers ({@link MapDbKvStorage}). */
public final class MapDbKvStorageProvider implements KvStorageProvider {

  @Override
  public String name() {
    return "mapdb";
  }

  @Override
  public DurableKvStorage open(Path directory) {
    return new MapDbKvStorage(directory);
  }
}
