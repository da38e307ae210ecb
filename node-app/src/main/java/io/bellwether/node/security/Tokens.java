package io.bellwether.node.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Bearer tokens: making new ones, and the line of a tokens file ({@code auth.tokens.file}) that
 * stores one hashed.
 *
 * <p>A token is {@code bw_} and 256 random bits in unpadded base64url (46 characters). Because a token
 * is random and that long, nobody can guess one from its SHA-256 hash, so a fast hash is enough; a
 * slow password hash (bcrypt, argon2) only protects secrets that people choose, which can be guessed,
 * and would cost every request milliseconds. All methods are thread-safe.
 */
public final class Tokens {

  /** What every token this class makes starts with, so a leaked one is recognisable in a scan. */
  public static final String PREFIX = "bw_";
  /** The hash scheme of a tokens file line. */
  public static final String HASH_PREFIX = "sha256:";
  /** A token name: what logs and refusals call the caller. */
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");

  private static final SecureRandom RANDOM = new SecureRandom();

  private Tokens() {}

  /** A new random token (256 bits). Show it to its owner once; store only {@link #line}. */
  public static String generate() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** {@code sha256:<hex>} of the token's UTF-8 bytes: what a tokens file stores. */
  public static String hash(String token) {
    return HASH_PREFIX + HexFormat.of().formatHex(digest(token));
  }

  static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /**
   * The tokens file line for {@code token}: {@code <role> <name> sha256:<hex>}.
   *
   * @throws IllegalArgumentException if {@code name} is not 1 to 64 of {@code A-Z a-z 0-9 . _ @ -}
   *     starting with a letter or digit, or the token is empty
   */
  public static String line(ApiRole role, String name, String token) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("token name '" + name
          + "' must be 1 to 64 of A-Z a-z 0-9 . _ @ -, starting with a letter or digit");
    }
    if (token == null || token.isEmpty()) throw new IllegalArgumentException("the token must not be empty");
    return role.label() + " " + name + " " + hash(token);
  }

  /**
   * Appends {@link #line} to a tokens file, creating it (readable by its owner only, where the file
   * system has POSIX permissions) if absent. A running node picks the new line up within seconds.
   *
   * @throws IOException naming the file when it cannot be written
   */
  public static void append(Path file, ApiRole role, String name, String token) throws IOException {
    String text = line(role, name, token) + System.lineSeparator();
    try {
      Path dir = file.toAbsolutePath().getParent();
      if (dir != null) Files.createDirectories(dir);
      if (!Files.exists(file) && FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
      // A file that does not end with a newline would glue the new line to its last one.
      if (Files.exists(file) && Files.size(file) > 0 && !endsWithNewline(file)) text = System.lineSeparator() + text;
      Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new IOException("cannot write tokens file " + file + ": " + e.getMessage(), e);
    }
  }

  private static boolean endsWithNewline(Path file) throws IOException {
    byte[] all = Files.readAllBytes(file);
    return all.length == 0 || all[all.length - 1] == '\n';
  }
}
