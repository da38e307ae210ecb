package io.bellwether.storage.mapdb;

import io.bellwether.core.HardState;
import io.bellwether.core.LogEntry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A fixed run of syncs to trace the system calls of: {@code strace -f -e trace=fsync,fdatasync,pwrite64,write
 * java -cp <test classpath> io.bellwether.storage.mapdb.SyncStraceMain DIR}. It writes a marker line (a
 * {@code write} to stdout) before each phase: 10 syncs of 256 entries of 100 B, then 10 syncs that only
 * change the hard state (a vote).
 */
public final class SyncStraceMain {

  private SyncStraceMain() {}

  public static void main(String[] args) {
    try (MapDbLogStore store = MapDbLogStore.open(Path.of(args[0]))) {
      long next = store.lastIndex() + 1;
      for (int warm = 0; warm < 50; warm++) next = appendAndSync(store, next, 256);
      System.out.println("BW-TRACE entries");
      for (int i = 0; i < 10; i++) next = appendAndSync(store, next, 256);
      System.out.println("BW-TRACE votes");
      long term = store.hardState().term();
      for (int i = 0; i < 10; i++) {
        store.saveHardState(new HardState(++term, "n2", 0));
        store.sync();
      }
      System.out.println("BW-TRACE end");
    }
  }

  private static long appendAndSync(MapDbLogStore store, long from, int count) {
    List<LogEntry> batch = new ArrayList<>(count);
    for (long i = from; i < from + count; i++) batch.add(LogEntry.command(1, i, new byte[100]));
    store.append(batch);
    store.sync();
    return from + count;
  }
}
