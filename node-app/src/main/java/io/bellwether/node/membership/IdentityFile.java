package io.bellwether.node.membership;

import io.bellwether.core.spi.StorageException;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Properties;

/**
 * The cluster identity kept in a node's data directory, {@code DATA_DIR/cluster-identity}: a small
 * properties file with {@code cluster.name} and {@code cluster.id}. Written once, atomically (a
 * temporary file, fsync, rename, fsync of the directory), so a crash leaves either no file or the
 * whole one; never rewritten. Blocking file I/O; called on the starting thread only.
 */
public final class IdentityFile {

  /** The file's name in the data directory. */
  public static final String FILE = "cluster-identity";

  private static final String NAME_KEY = "cluster.name";
  private static final String ID_KEY = "cluster.id";

  private IdentityFile() {}

  /** Where the identity of the node with data directory {@code dataDir} is kept. */
  public static Path path(Path dataDir) {
    return dataDir.resolve(FILE);
  }

  /**
   * The identity stored in {@code dataDir}, or empty when there is no file.
   *
   * @throws StorageException naming the file when it cannot be read or is not a valid identity: the
   *     node must not guess which cluster it belongs to
   */
  public static Optional<ClusterIdentity> read(Path dataDir) {
    Path file = path(dataDir);
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new StorageException("cannot read the cluster identity file " + file + ": " + e, e);
    }
    try {
      Properties p = new Properties();
      p.load(new StringReader(text));
      String name = p.getProperty(NAME_KEY);
      String id = p.getProperty(ID_KEY);
      if (name == null || id == null) throw new IllegalArgumentException("no " + (name == null ? NAME_KEY : ID_KEY));
      return Optional.of(new ClusterIdentity(name.trim(), id.trim()));
    } catch (IOException | IllegalArgumentException e) {
      throw new StorageException("the cluster identity file " + file + " is corrupt (" + e.getMessage() + "): it"
          + " says which cluster this data belongs to; restore it from a backup or from another member of the"
          + " cluster (" + NAME_KEY + "=... and " + ID_KEY + "=..., as GET /v1/cluster shows them)", e);
    }
  }

  /**
   * Stores {@code identity} in {@code dataDir}, creating the directory if needed.
   *
   * @throws StorageException naming the file when it cannot be written durably
   */
  public static void write(Path dataDir, ClusterIdentity identity) {
    Path file = path(dataDir);
    Path tmp = dataDir.resolve(FILE + ".tmp");
    try {
      Files.createDirectories(dataDir);
      Properties p = new Properties();
      p.setProperty(NAME_KEY, identity.name());
      p.setProperty(ID_KEY, identity.id());
      StringWriter text = new StringWriter();
      p.store(text, "Bellwether cluster identity: which cluster this data directory belongs to. Do not edit.");
      try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.ISO_8859_1));
        while (bytes.hasRemaining()) out.write(bytes);
        out.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      syncDirectory(dataDir);
    } catch (IOException e) {
      throw new StorageException("cannot write the cluster identity file " + file + ": " + e, e);
    }
  }

  /** Makes the rename durable; platforms that cannot open a directory (Windows) skip it. */
  private static void syncDirectory(Path dir) throws IOException {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (UnsupportedOperationException | java.nio.file.AccessDeniedException e) {
      // nothing more can be done here
    }
  }
}
