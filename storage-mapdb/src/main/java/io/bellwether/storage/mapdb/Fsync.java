package io.bellwether.storage.mapdb;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Forcing files and directories to the disk. */
public final class Fsync {

  private Fsync() {}

  /** Forces a directory, so that files created, renamed or deleted in it stay so after a crash. */
  public static void directory(Path directory) throws IOException {
    try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException e) {
      // Some platforms cannot open a directory for reading; Linux can, and there it must work.
      if (System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) throw e;
    }
  }

  /** Forces a file's content and metadata. */
  public static void file(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
  }
}
