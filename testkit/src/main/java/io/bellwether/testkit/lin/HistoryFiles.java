package io.bellwether.testkit.lin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where runs save their histories ({@link HistoryJson}). With {@code -Dbellwether.history.dir=DIR}
 * every run of the simulation, the soak and the end-to-end suite saves its history in DIR, passing
 * or failing, so that any run can be checked again later, by this checker or another; one file per
 * run, named after the run. Without it nothing changes: only failing runs keep their history.
 */
public final class HistoryFiles {

  /** The system property naming the directory; surefire passes {@code -D} properties to tests. */
  public static final String DIR_PROPERTY = "bellwether.history.dir";

  private HistoryFiles() {}

  /** The directory every run saves its history in, if one was asked for. */
  public static Optional<Path> requestedDir() {
    String dir = System.getProperty(DIR_PROPERTY);
    return dir == null || dir.isBlank() ? Optional.empty() : Optional.of(Path.of(dir));
  }

  /**
   * Saves {@code history} as {@code dir/<run>.jsonl}, creating {@code dir}, and returns the file.
   * Characters a file name should not hold become {@code _}.
   */
  public static Path save(History history, Path dir, String run) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(run.replaceAll("[^A-Za-z0-9._-]", "_") + ".jsonl");
    HistoryJson.write(history, file);
    return file;
  }
}
