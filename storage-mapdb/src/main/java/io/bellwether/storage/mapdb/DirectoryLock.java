package io.bellwether.storage.mapdb;

import io.bellwether.core.spi.StorageException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a data directory, held through an OS file lock on {@code <dir>/LOCK} for as
 * long as a store is open. The OS drops the lock when the process dies, so a killed node leaves
 * nothing to clean up.
 */
final class DirectoryLock implements AutoCloseable {

  static final String FILE_NAME = "LOCK";

  private final FileChannel channel;
  private final FileLock lock;

  private DirectoryLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * @throws StorageException at once, naming the directory, if another store (in this process or
   *     another) holds it
   */
  static DirectoryLock acquire(Path directory) {
    Path file = directory.resolve(FILE_NAME);
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new StorageException("cannot open lock file " + file + ": " + e.getMessage(), e);
    }
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    } catch (IOException e) {
      close(channel);
      throw new StorageException("cannot lock data directory " + directory + ": " + e.getMessage(), e);
    }
    if (lock == null) {
      close(channel);
      throw new StorageException(
          "data directory " + directory + " is locked: another Bellwether store (in this or another process) is using it");
    }
    return new DirectoryLock(channel, lock);
  }

  @Override
  public void close() {
    try {
      if (lock.isValid()) lock.release();
    } catch (IOException ignored) {
      // Closing the channel below releases the lock anyway.
    }
    close(channel);
  }

  private static void close(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // Nothing was written through this channel.
    }
  }
}
