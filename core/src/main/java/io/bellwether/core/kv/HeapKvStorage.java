package io.bellwether.core.kv;

import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/** {@link KvStorage#inMemory()}: a {@link TreeMap} in {@link KeyOrder}. */
final class HeapKvStorage implements KvStorage {

  private final TreeMap<String, Versioned> entries = new TreeMap<>(KeyOrder.INSTANCE);

  @Override
  public Versioned get(String key) {
    return entries.get(key);
  }

  @Override
  public void put(String key, Versioned value, boolean isNew) {
    entries.put(key, value);
  }

  @Override
  public void remove(String key) {
    entries.remove(key);
  }

  @Override
  public Iterator<Map.Entry<String, Versioned>> entriesFrom(String from, boolean inclusive) {
    Map<String, Versioned> range = from == null ? entries : entries.tailMap(from, inclusive);
    return range.entrySet().iterator();
  }

  @Override
  public long size() {
    return entries.size();
  }
}
