package io.bellwether.node.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a request may reach its route: it reads the bearer token from the {@code
 * Authorization} header, finds its role in the tokens file, and compares it with what {@link
 * AccessRules} asks of the route. Without a tokens file every request is admitted.
 *
 * <p>{@link #check} is thread-safe and never blocks (an event loop calls it). {@link
 * #reloadIfChanged} reads the file; call it off the event loop.
 */
public final class Gate {

  private static final Logger LOG = LoggerFactory.getLogger(Gate.class);

  /**
   * What {@link #check} decided: admitted (status 0, with the caller when auth is on), or refused
   * with a status ({@code 401}, {@code 403}), the API's error code and a message that never holds
   * the token.
   */
  public record Verdict(Caller caller, int status, String code, String message) {
    static Verdict admit(Caller caller) {
      return new Verdict(caller, 0, null, null);
    }

    public boolean admitted() {
      return status == 0;
    }
  }

  private final Path tokensFile;
  private final AccessRules rules;
  private volatile TokenTable tokens;
  private volatile Object fileStamp;

  /**
   * @param tokensFile the tokens file, or null: auth is off
   * @param tokens the table read from it at start-up (ignored when the file is null)
   */
  public Gate(Path tokensFile, TokenTable tokens, AccessRules rules) {
    this.tokensFile = tokensFile;
    this.tokens = tokens;
    this.rules = rules;
    this.fileStamp = stamp();
  }

  /** A gate that admits everything, for a node without a tokens file. */
  public static Gate open() {
    return new Gate(null, null, new AccessRules(null));
  }

  /** Whether requests need tokens at all. */
  public boolean enabled() {
    return tokensFile != null;
  }

  /** The access rules this gate applies (routes are checked against them when registered). */
  public AccessRules rules() {
    return rules;
  }

  /**
   * Decides on a request for {@code route} with this {@code Authorization} header (null if none).
   *
   * @throws IllegalArgumentException for a route the rules do not name
   */
  public Verdict check(String route, String authorization) {
    Optional<ApiRole> needed = rules.required(route);
    if (!enabled() || needed.isEmpty()) return Verdict.admit(null);
    String token = bearer(authorization);
    if (token == null) {
      return new Verdict(null, 401, "UNAUTHENTICATED", authorization == null
          ? "this request needs a bearer token (Authorization: Bearer <token>) with role " + needed.get().label() + " or more"
          : "the Authorization header is not 'Bearer <token>'");
    }
    Optional<Caller> caller = tokens.lookup(token);
    if (caller.isEmpty()) {
      return new Verdict(null, 401, "UNAUTHENTICATED", "the bearer token is not one this node knows");
    }
    if (!caller.get().role().includes(needed.get())) {
      return new Verdict(caller.get(), 403, "FORBIDDEN", "token '" + caller.get().name() + "' has role "
          + caller.get().role().label() + "; this request needs " + needed.get().label());
    }
    return Verdict.admit(caller.get());
  }

  /** The token of a {@code Bearer} header, or null if the header is absent or not of that scheme. */
  static String bearer(String authorization) {
    if (authorization == null) return null;
    String h = authorization.strip();
    int space = h.indexOf(' ');
    if (space <= 0 || !h.substring(0, space).toLowerCase(Locale.ROOT).equals("bearer")) return null;
    String token = h.substring(space + 1).strip();
    return token.isEmpty() || token.indexOf(' ') >= 0 ? null : token;
  }

  /**
   * Reads the tokens file again if its content changed (compared by its SHA-256, not by its size or
   * modification time: an edit of the same size within the file system's timestamp resolution must
   * not leave a revoked token valid). A file that no longer
   * reads (a bad line, gone) keeps the tokens in force and logs a WARN naming the file and line: a
   * typo must not lock everyone out, nor let everyone in.
   *
   * @return whether new tokens took effect
   */
  public boolean reloadIfChanged() {
    if (!enabled()) return false;
    Object now = stamp();
    if (now == null || now.equals(fileStamp)) return false;
    try {
      TokenTable fresh = TokenTable.load(tokensFile);
      tokens = fresh;
      fileStamp = now;
      LOG.info("reloaded {}: {} tokens", tokensFile, fresh.size());
      return true;
    } catch (IOException e) {
      fileStamp = now; // one WARN per change, not one per check
      LOG.warn("keeping the tokens in force: {}", e.getMessage());
      return false;
    }
  }

  /** The SHA-256 of the file's bytes, or null when it cannot be read. The file is small. */
  private Object stamp() {
    if (tokensFile == null) return null;
    try {
      return java.util.HexFormat.of().formatHex(
          java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(tokensFile)));
    } catch (IOException e) {
      return null;
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
