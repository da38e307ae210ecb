package io.bellwether.node.config;

import static io.bellwether.node.config.SettingKeys.AUTH_TOKENS_FILE;
import static io.bellwether.node.config.SettingKeys.HTTP_METRICS_AUTH;
import static io.bellwether.node.config.SettingKeys.HTTP_TLS_CA;
import static io.bellwether.node.config.SettingKeys.HTTP_TLS_CERT;
import static io.bellwether.node.config.SettingKeys.HTTP_TLS_CLIENT_AUTH;
import static io.bellwether.node.config.SettingKeys.HTTP_TLS_KEY;
import static io.bellwether.node.config.SettingKeys.JOIN_TOKEN_FILE;

import io.bellwether.core.spi.Settings;
import io.bellwether.node.security.AccessRules;
import io.bellwether.node.security.ApiRole;
import io.bellwether.node.security.ClusterCredentials;
import io.bellwether.node.security.Gate;
import io.bellwether.node.security.HttpTls;
import io.bellwether.node.security.HttpTls.ClientAuthMode;
import io.bellwether.node.security.Secret;
import io.bellwether.node.security.TokenTable;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * The HTTP API's client-facing security, validated at start-up: HTTPS ({@code http.tls.*}), bearer
 * tokens and roles ({@code auth.tokens.file}, {@code http.metrics.auth}), and the token a joining
 * node presents ({@code membership.join.token.file}). Every file is read here, so a malformed one
 * stops the node with a {@link ConfigException} naming the setting and the file (and the line, for
 * the tokens file).
 *
 * @param tls HTTPS, or null for plain HTTP
 * @param tokensFile the tokens file, or null: no authentication
 * @param tokens the tokens read from it at start-up, or null
 * @param metricsRole the role {@code /metrics} needs with authentication on; null: open
 * @param joinToken the token a joining node presents to the cluster, or null
 */
public record SecurityConfig(HttpTls tls, Path tokensFile, TokenTable tokens, ApiRole metricsRole, Secret joinToken) {

  /** Plain HTTP, no tokens: what a node without any of these settings runs with. */
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SecurityConfig.class);

  public static final SecurityConfig NONE = new SecurityConfig(null, null, null, null, null);

  /**
   * {@code /metrics} needs a read token by default when tokens are on: it tells members, traffic and
   * error rates (no keys or values), which is not for strangers; a Prometheus scraper presents a
   * bearer token as easily as a client does.
   */
  static final ApiRole DEFAULT_METRICS_ROLE = ApiRole.READ;

  static SecurityConfig from(Settings s) {
    HttpTls tls = tls(s);
    Path tokensFile = path(s, AUTH_TOKENS_FILE);
    TokenTable tokens = null;
    if (tokensFile != null) {
      try {
        tokens = TokenTable.load(tokensFile);
      } catch (IOException e) {
        throw new ConfigException("setting '" + AUTH_TOKENS_FILE + "': " + e.getMessage(), e);
      }
    }
    ApiRole metrics = metricsRole(s, tokensFile != null);
    if (tokensFile != null && tls == null) {
      LOG.warn("setting '{}' is set but '{}' is not: the API serves plain HTTP, so every bearer token crosses the"
          + " network in clear and anyone who sees one can use it; serve HTTPS (see docs/security.md)",
          AUTH_TOKENS_FILE, HTTP_TLS_CERT);
    }
    Secret joinToken = null;
    Path joinTokenFile = path(s, JOIN_TOKEN_FILE);
    if (joinTokenFile != null) {
      try {
        joinToken = Secret.readFile(joinTokenFile);
      } catch (IOException e) {
        throw new ConfigException("setting '" + JOIN_TOKEN_FILE + "': " + e.getMessage(), e);
      }
    }
    return new SecurityConfig(tls, tokensFile, tokens, metrics, joinToken);
  }

  /** {@code https} with TLS, else {@code http}: the scheme of this node's API and, since every node of a cluster uses the same, of the others'. */
  public String scheme() {
    return tls == null ? "http" : "https";
  }

  /** The gate the HTTP API admits requests through. */
  public Gate gate() {
    return tokensFile == null ? Gate.open() : new Gate(tokensFile, tokens, new AccessRules(metricsRole));
  }

  /**
   * What this node presents when it calls other nodes with a blocking client (joining, promotion).
   *
   * @throws ConfigException if the TLS context cannot be built from the files (checked at start-up)
   */
  public ClusterCredentials clusterCredentials() {
    try {
      return new ClusterCredentials(tls == null ? null : tls.clientContext(), joinToken);
    } catch (IOException e) {
      throw new ConfigException("setting '" + HTTP_TLS_CERT + "': " + e.getMessage(), e);
    }
  }

  private static HttpTls tls(Settings s) {
    Path cert = path(s, HTTP_TLS_CERT);
    Path key = path(s, HTTP_TLS_KEY);
    Path ca = path(s, HTTP_TLS_CA);
    String rawAuth = s.getString(HTTP_TLS_CLIENT_AUTH, "none");
    ClientAuthMode auth;
    try {
      auth = ClientAuthMode.parse(rawAuth);
    } catch (IllegalArgumentException e) {
      throw ConfigException.invalid(HTTP_TLS_CLIENT_AUTH, rawAuth, "none, request or required");
    }
    if ((cert == null) != (key == null)) {
      String missing = cert == null ? HTTP_TLS_CERT : HTTP_TLS_KEY;
      throw ConfigException.invalid(missing, "", "a PEM file: " + HTTP_TLS_CERT + " and " + HTTP_TLS_KEY
          + " are set together (HTTPS) or not at all (plain HTTP)");
    }
    if (cert == null) {
      if (ca != null) {
        throw ConfigException.invalid(HTTP_TLS_CA, ca.toString(), "nothing unless " + HTTP_TLS_CERT + " and "
            + HTTP_TLS_KEY + " are set: without them the API serves plain HTTP");
      }
      if (auth != ClientAuthMode.NONE) {
        throw ConfigException.invalid(HTTP_TLS_CLIENT_AUTH, rawAuth, "none unless " + HTTP_TLS_CERT + " and "
            + HTTP_TLS_KEY + " are set (client certificates need HTTPS)");
      }
      return null;
    }
    if (ca == null) {
      // Nodes call each other's APIs (forwarded writes carry the caller's token, admin ones included):
      // trusting the JVM's public CAs would hand those tokens to anyone with a public certificate for
      // a member's address.
      throw ConfigException.invalid(HTTP_TLS_CA, "", "a PEM file of the CA that signed the nodes' HTTPS"
          + " certificates: with " + HTTP_TLS_CERT + " set, nodes forward requests (and their callers' tokens) to"
          + " each other over HTTPS and must trust that CA only");
    }
    HttpTls tls = new HttpTls(cert, key, ca, auth);
    try {
      tls.validate();
    } catch (IOException e) {
      throw new ConfigException("settings '" + HTTP_TLS_CERT + "', '" + HTTP_TLS_KEY + "', '" + HTTP_TLS_CA
          + "': " + e.getMessage(), e);
    }
    return tls;
  }

  private static ApiRole metricsRole(Settings s, boolean authOn) {
    String raw = s.get(HTTP_METRICS_AUTH).orElse("");
    if (raw.isBlank()) return DEFAULT_METRICS_ROLE;
    if (!authOn) {
      throw ConfigException.invalid(HTTP_METRICS_AUTH, raw, "nothing unless " + AUTH_TOKENS_FILE
          + " is set: without tokens every route, /metrics included, is open");
    }
    if (raw.trim().equalsIgnoreCase("open")) return null;
    try {
      return ApiRole.parse(raw);
    } catch (IllegalArgumentException e) {
      throw ConfigException.invalid(HTTP_METRICS_AUTH, raw, "open, read, write or admin");
    }
  }

  private static Path path(Settings s, String key) {
    String raw = s.get(key).orElse("").trim();
    if (raw.isEmpty()) return null;
    try {
      return Path.of(raw).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      throw ConfigException.invalid(key, raw, "a file path (" + e.getMessage() + ")");
    }
  }
}
