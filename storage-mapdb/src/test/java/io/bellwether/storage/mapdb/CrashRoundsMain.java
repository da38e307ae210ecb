package io.bellwether.storage.mapdb;

import java.nio.file.Files;

/**
 * Runs {@link MapDbLogStoreCrashTest} outside Maven, for long runs on a frozen class path:
 * {@code java -Dbellwether.crash.rounds=1000 -cp <test classpath> io.bellwether.storage.mapdb.CrashRoundsMain}.
 */
public final class CrashRoundsMain {

  private CrashRoundsMain() {}

  public static void main(String[] args) throws Exception {
    MapDbLogStoreCrashTest test = new MapDbLogStoreCrashTest();
    test.root = Files.createTempDirectory("bw-crash-rounds");
    test.everySyncedEntrySurvivesKillNine();
  }
}
