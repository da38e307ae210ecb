package io.bellwether.node;

import io.bellwether.core.kv.KvStorageProvider;
import io.bellwether.core.spi.DiscoveryProvider;
import io.bellwether.core.spi.StorageProvider;
import io.bellwether.core.spi.TransportProvider;
import io.bellwether.node.config.ConfigException;
import io.bellwether.node.config.SettingKeys;
import java.util.Iterator;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the transport, storage, discovery and key-value state providers registered with {@link ServiceLoader} and
 * picks one <b>by name</b>; never by priority. An unknown name fails with the list of the names that
 * are available. A registration whose class cannot be loaded is logged and skipped, so one broken
 * module does not hide the others.
 */
public final class Modules {

  private static final Logger LOG = LoggerFactory.getLogger(Modules.class);

  private final Map<String, TransportProvider> transports;
  private final Map<String, StorageProvider> storages;
  private final Map<String, DiscoveryProvider> discoveries;
  private final Map<String, KvStorageProvider> kvStorages;

  private Modules(ClassLoader loader) {
    this.transports = load(TransportProvider.class, TransportProvider::name, loader);
    this.storages = load(StorageProvider.class, StorageProvider::name, loader);
    this.discoveries = load(DiscoveryProvider.class, DiscoveryProvider::name, loader);
    this.kvStorages = load(KvStorageProvider.class, KvStorageProvider::name, loader);
  }

  /** The providers visible to this class's loader. */
  public static Modules fromClasspath() {
    return new Modules(Modules.class.getClassLoader());
  }

  /** @throws ConfigException listing the available names when {@code name} is unknown */
  public TransportProvider transport(String name) {
    return pick("transport", name, transports);
  }

  /** @throws ConfigException listing the available names when {@code name} is unknown */
  public StorageProvider storage(String name) {
    return pick("storage", name, storages);
  }

  /** @throws ConfigException listing the available names when {@code name} is unknown */
  public DiscoveryProvider discovery(String name) {
    return pick("discovery", name, discoveries);
  }

  /**
   * The module keeping the key-value state on disk ({@code kv.state}); {@code memory} is not one.
   *
   * @throws ConfigException listing the available names when {@code name} is unknown
   */
  public KvStorageProvider kvStorage(String name) {
    KvStorageProvider provider = kvStorages.get(name);
    if (provider == null) {
      throw new ConfigException("setting '" + SettingKeys.KV_STATE + "' has value '" + name
          + "': no module keeps the key-value state so; available: memory"
          + (kvStorages.isEmpty() ? "" : ", " + String.join(", ", kvStorages.keySet())));
    }
    return provider;
  }

  public boolean hasTransport(String name) {
    return transports.containsKey(name);
  }

  public boolean hasStorage(String name) {
    return storages.containsKey(name);
  }

  public boolean hasDiscovery(String name) {
    return discoveries.containsKey(name);
  }

  private static <T> T pick(String setting, String name, Map<String, T> available) {
    T provider = available.get(name);
    if (provider == null) {
      throw new ConfigException("setting '" + setting + "' has value '" + name + "': no such " + setting
          + " module; available: " + String.join(", ", available.keySet()));
    }
    return provider;
  }

  private static <T> Map<String, T> load(Class<T> type, Function<T, String> name, ClassLoader loader) {
    Map<String, T> found = new TreeMap<>();
    Iterator<T> it = ServiceLoader.load(type, loader).iterator();
    while (true) {
      T provider;
      try {
        if (!it.hasNext()) break;
        provider = it.next();
      } catch (ServiceConfigurationError e) {
        LOG.warn("skipping a {} that cannot be loaded: {}", type.getSimpleName(), e.getMessage());
        continue;
      }
      T previous = found.putIfAbsent(name.apply(provider), provider);
      if (previous != null && previous.getClass() != provider.getClass()) {
        throw new ConfigException("two " + type.getSimpleName() + "s are named '" + name.apply(provider)
            + "': " + previous.getClass().getName() + " and " + provider.getClass().getName());
      }
    }
    return found;
  }
}
