package io.bellwether.node.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A token kept out of logs: its {@link #toString()} never shows it, so a record or message that
 * holds one cannot print it by accident. Only {@link #reveal()} gives the text, for the one header
 * that carries it.
 */
public final class Secret {

  private final String value;

  public Secret(String value) {
    this.value = Objects.requireNonNull(value, "value");
  }

  /** The secret itself: only for an {@code Authorization} header. */
  public String reveal() {
    return value;
  }

  /**
   * The first line of {@code file} that is neither blank nor a {@code #} comment, stripped.
   *
   * @throws IOException naming the file when it cannot be read or holds no such line
   */
  public static Secret readFile(Path file) throws IOException {
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String t = line.strip();
        if (!t.isEmpty() && !t.startsWith("#")) return new Secret(t);
      }
    } catch (IOException e) {
      throw new IOException("cannot read token file " + file + ": " + e, e);
    }
    throw new IOException("token file " + file + " holds no token (only blank lines or # comments)");
  }

  @Override
  public String toString() {
    return "(secret)";
  }
}
