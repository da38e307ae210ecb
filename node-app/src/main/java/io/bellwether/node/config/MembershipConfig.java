package io.bellwether.node.config;

import static io.bellwether.node.config.SettingKeys.AUTOPILOT;
import static io.bellwether.node.config.SettingKeys.AUTO_PROMOTE;
import static io.bellwether.node.config.SettingKeys.AUTO_REMOVE_AFTER;
import static io.bellwether.node.config.SettingKeys.JOIN;
import static io.bellwether.node.config.SettingKeys.JOIN_PROMOTE;
import static io.bellwether.node.config.SettingKeys.JOIN_TIMEOUT;
import static io.bellwether.node.config.SettingKeys.PROMOTION_MAX_LAG;
import static io.bellwether.node.config.SettingKeys.TARGET_VOTERS;

import io.bellwether.core.runtime.MembershipAutopilot;
import io.bellwether.core.spi.Settings;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The membership settings: whether this node joins a running cluster instead of founding one, and
 * how promotions are judged.
 *
 * @param join the HTTP URLs of nodes of the cluster to join ({@code membership.join}); empty for a
 *     node that founds its cluster from {@code voters}
 * @param promote whether a joining node asks to become a voter once it has caught up ({@code
 *     membership.join.promote}); a learner otherwise stays a learner until an operator promotes it
 * @param joinTimeout how long a joining node keeps asking the cluster to add it before it gives up
 *     and fails to start ({@code membership.join.timeout})
 * @param promotionMaxLag how many entries behind its leader a learner may be and still be promoted,
 *     when this node leads ({@code membership.promotion.max.lag})
 * @param awaitsDiscovery this node is not among the {@code voters} of a cluster found through a
 *     discovery system: it starts with no configuration and waits for the leader's autopilot to add
 *     it, with no {@code --join}
 * @param autopilot the autopilot's settings when it runs ({@code membership.autopilot}: by default
 *     with any discovery but the static list, which announces nothing new), else null
 */
public record MembershipConfig(List<URI> join, boolean promote, Duration joinTimeout, long promotionMaxLag,
    boolean awaitsDiscovery, MembershipAutopilot.Settings autopilot) {

  /** More join URLs than this is a typo, not a cluster. */
  static final int MAX_JOIN_URLS = 32;

  public MembershipConfig {
    join = List.copyOf(join);
  }

  /** Whether this node joins a running cluster (started with {@code --join}). */
  public boolean joining() {
    return !join.isEmpty();
  }

  /** Whether this node starts with no configuration of its own: joining, or waiting for discovery. */
  public boolean startsEmpty() {
    return joining() || awaitsDiscovery;
  }

  /** Reads and validates the settings; each bad value is a {@link ConfigException} naming it. */
  static MembershipConfig from(Settings s) {
    return from(s, Defaults.DISCOVERY, false);
  }

  /**
   * @param discovery the discovery module the node uses (the autopilot's default depends on it)
   * @param awaitsDiscovery see the record's component
   */
  static MembershipConfig from(Settings s, String discovery, boolean awaitsDiscovery) {
    List<URI> join = joinUrls(s.get(JOIN).orElse(""));
    boolean promote = s.getBoolean(JOIN_PROMOTE, Defaults.JOIN_PROMOTE);
    if (promote && join.isEmpty()) {
      throw ConfigException.invalid(JOIN_PROMOTE, "true",
          "false unless " + JOIN + " (--join) is given: only a joining node asks to be promoted");
    }
    Duration timeout = s.getDuration(JOIN_TIMEOUT, Duration.ofMillis(Defaults.JOIN_TIMEOUT_MS));
    if (timeout.compareTo(Duration.ofSeconds(1)) < 0 || timeout.compareTo(Duration.ofHours(1)) > 0) {
      throw ConfigException.invalid(JOIN_TIMEOUT, s.get(JOIN_TIMEOUT).orElse(""), "a duration from 1s to 1h");
    }
    long maxLag = s.getLong(PROMOTION_MAX_LAG, Defaults.PROMOTION_MAX_LAG, 0, Long.MAX_VALUE);
    return new MembershipConfig(join, promote, timeout, maxLag, awaitsDiscovery, autopilot(s, discovery));
  }

  private static MembershipAutopilot.Settings autopilot(Settings s, String discovery) {
    boolean on = s.getBoolean(AUTOPILOT, !discovery.equals("static"));
    boolean autoPromote = s.getBoolean(AUTO_PROMOTE, Defaults.AUTO_PROMOTE);
    int target = s.getInt(TARGET_VOTERS, Defaults.TARGET_VOTERS, 1, 99);
    Duration removeAfter = null;
    String rawRemove = s.get(AUTO_REMOVE_AFTER).orElse("");
    if (!rawRemove.isBlank()) {
      removeAfter = s.getDuration(AUTO_REMOVE_AFTER, null);
      // Shorter than a discovery system's own failure detection would remove members that merely
      // restarted; a minute is well above Hazelcast's (its heartbeat bound is tens of seconds).
      if (removeAfter.compareTo(Duration.ofSeconds(10)) < 0 || removeAfter.compareTo(Duration.ofDays(30)) > 0) {
        throw ConfigException.invalid(AUTO_REMOVE_AFTER, rawRemove, "a duration from 10s to 30d, or nothing (never remove)");
      }
    }
    return on ? new MembershipAutopilot.Settings(autoPromote, target, removeAfter) : null;
  }

  /**
   * {@code http://host:port[,http://host:port...]} (or {@code https}): the HTTP API of nodes of the cluster. Only the
   * scheme, host and port are meaningful, so anything else (a path, a query, user info) is refused
   * rather than silently dropped.
   */
  static List<URI> joinUrls(String raw) {
    List<URI> urls = new ArrayList<>();
    if (raw.isBlank()) return urls;
    for (String part : raw.split(",", -1)) {
      String text = part.trim();
      URI uri;
      try {
        uri = new URI(text);
      } catch (URISyntaxException e) {
        throw ConfigException.invalid(JOIN, raw, "http://host:port URLs, comma separated; '" + text
            + "' is not a URL (" + e.getReason() + ")");
      }
      boolean bare = (uri.getPath() == null || uri.getPath().isEmpty() || uri.getPath().equals("/"))
          && uri.getQuery() == null && uri.getFragment() == null && uri.getUserInfo() == null;
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null || uri.getPort() <= 0 || !bare) {
        throw ConfigException.invalid(JOIN, raw, "http://host:port URLs of the cluster's nodes, comma separated; '"
            + text + "' is not one");
      }
      urls.add(URI.create(uri.getScheme() + "://" + uri.getRawAuthority()));
    }
    if (urls.size() > MAX_JOIN_URLS) {
      throw ConfigException.invalid(JOIN, raw, "at most " + MAX_JOIN_URLS + " URLs");
    }
    return urls;
  }
}
