package io.bellwether.storage.mapdb;

import io.bellwether.core.spi.LogStore;
import io.bellwether.core.spi.NodeContext;
import io.bellwether.core.spi.StorageProvider;
import java.util.logging.Handler;
import java.util.logging.Logger;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Storage provider {@code mapdb}: a {@link MapDbLogStore} in {@code <dataDir>/log}. Setting {@value
 * #SEGMENT_BYTES}: the size of a WAL segment (default 64 MiB, 64 KiB to 1 GiB). Routes MapDB's
 * java.util.logging output to SLF4J the first time it opens a store.
 */
public final class MapDbStorageProvider implements StorageProvider {

  /** The sub-directory of the node's data directory that holds the log store. */
  public static final String LOG_DIRECTORY = "log";

  /** The setting that sizes WAL segments, in bytes. */
  public static final String SEGMENT_BYTES = "storage.mapdb.segmentBytes";

  // java.util.logging holds loggers weakly: keep MapDB's so its handler stays attached.
  private static final Logger MAPDB_JUL_LOGGER = Logger.getLogger("org.mapdb");

  @Override
  public String name() {
    return "mapdb";
  }

  /**
   * @throws IllegalArgumentException if the node has no data directory
   * @throws io.bellwether.core.spi.StorageException as {@link MapDbLogStore#open} does
   */
  @Override
  public LogStore open(NodeContext context) {
    if (context.dataDir() == null) {
      throw new IllegalArgumentException("storage 'mapdb' needs a data directory (setting dataDir)");
    }
    long segmentBytes = context.settings().getLong(SEGMENT_BYTES, MapDbLogStore.DEFAULT_SEGMENT_BYTES, 64L << 10, 1L << 30);
    routeMapDbLoggingToSlf4j();
    return MapDbLogStore.open(context.dataDir().resolve(LOG_DIRECTORY), segmentBytes);
  }

  /** Sends only MapDB's loggers through SLF4J, leaving the rest of java.util.logging as it is. */
  static synchronized void routeMapDbLoggingToSlf4j() {
    for (Handler h : MAPDB_JUL_LOGGER.getHandlers()) {
      if (h instanceof SLF4JBridgeHandler) return;
    }
    MAPDB_JUL_LOGGER.addHandler(new SLF4JBridgeHandler());
    MAPDB_JUL_LOGGER.setUseParentHandlers(false);
  }
}
