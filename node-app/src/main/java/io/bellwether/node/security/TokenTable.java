package io.bellwether.node.security;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The tokens of a tokens file, hashed: one per line, {@code <role> <name> sha256:<64 hex digits>};
 * blank lines and lines starting with {@code #} are ignored. Immutable and thread-safe.
 */
public final class TokenTable {

  /** Longer than any token this project makes by far; longer input is refused without hashing. */
  static final int MAX_TOKEN_CHARS = 512;

  private record Entry(Caller caller, byte[] hash) {}

  private final List<Entry> entries;

  private TokenTable(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  /**
   * Reads and checks a tokens file.
   *
   * @throws IOException whose message names the file (and the line, for a bad line: an unknown
   *     role, a bad name, a hash that is not {@code sha256:} and 64 hex digits, a token listed twice)
   */
  public static TokenTable load(Path file) throws IOException {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (CharacterCodingException e) {
      throw new IOException("tokens file " + file + " is not UTF-8 text", e);
    } catch (IOException e) {
      throw new IOException("cannot read tokens file " + file + ": " + e, e);
    }
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) continue;
      Entry e = parse(line, file, i + 1);
      for (Entry other : entries) {
        if (MessageDigest.isEqual(other.hash(), e.hash())) {
          throw bad(file, i + 1, "the same token is listed twice (also as '" + other.caller().name() + "')");
        }
      }
      entries.add(e);
    }
    return new TokenTable(entries);
  }

  private static Entry parse(String line, Path file, int number) throws IOException {
    String[] parts = line.split("\\s+");
    if (parts.length != 3) {
      throw bad(file, number, "expected '<role> <name> sha256:<hex>' (3 fields), found " + parts.length + " fields");
    }
    ApiRole role;
    try {
      role = ApiRole.parse(parts[0]);
    } catch (IllegalArgumentException e) {
      throw bad(file, number, e.getMessage());
    }
    if (!Tokens.NAME.matcher(parts[1]).matches()) {
      throw bad(file, number, "name '" + parts[1] + "' must be 1 to 64 of A-Z a-z 0-9 . _ @ -, starting with a letter or digit");
    }
    String hash = parts[2];
    if (!hash.startsWith(Tokens.HASH_PREFIX) || !hash.substring(Tokens.HASH_PREFIX.length()).matches("[0-9a-fA-F]{64}")) {
      // Never echo the field: someone may have pasted a token itself here.
      throw bad(file, number, "the third field must be sha256: and 64 hex digits (the hash of the token, never the token)");
    }
    byte[] digest = HexFormat.of().parseHex(hash.substring(Tokens.HASH_PREFIX.length()).toLowerCase());
    return new Entry(new Caller(parts[1], role), digest);
  }

  private static IOException bad(Path file, int line, String why) {
    return new IOException("tokens file " + file + " line " + line + ": " + why);
  }

  /** How many tokens the file lists. */
  public int size() {
    return entries.size();
  }

  /**
   * The caller a presented token belongs to. Every stored hash is compared, each in constant time
   * ({@link MessageDigest#isEqual}), so how long this takes does not tell which entry matched or how
   * much of a hash did.
   */
  public Optional<Caller> lookup(String token) {
    if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_CHARS) return Optional.empty();
    byte[] digest = Tokens.digest(token);
    Caller found = null;
    for (Entry e : entries) {
      if (MessageDigest.isEqual(e.hash(), digest) && found == null) found = e.caller();
    }
    return Optional.ofNullable(found);
  }

  @Override
  public String toString() {
    return "TokenTable[" + entries.size() + " tokens]";
  }
}
