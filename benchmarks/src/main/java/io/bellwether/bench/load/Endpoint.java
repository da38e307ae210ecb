package io.bellwether.bench.load;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** A base URL such as {@code http://127.0.0.1:8080} or {@code https://127.0.0.1:8443}, parsed once. */
public record Endpoint(String url, String host, int port) {

  /** Parses {@code http://host:port} or {@code https://host:port}; without a scheme, {@code http}. */
  public static Endpoint parse(String raw) {
    return parse(raw, false);
  }

  /**
   * Parses {@code http://host:port} or {@code https://host:port} (a trailing slash is dropped);
   * without a scheme, {@code https} when {@code tlsByDefault} (a Bellwether node advertises a bare
   * {@code host:port}, reached the way the configured endpoints are).
   *
   * @throws IllegalArgumentException naming the endpoint when it is not such a URL
   */
  public static Endpoint parse(String raw, boolean tlsByDefault) {
    String s = raw.trim();
    if (!s.contains("://")) s = (tlsByDefault ? "https://" : "http://") + s;
    while (s.endsWith("/")) s = s.substring(0, s.length() - 1);
    URI uri = URI.create(s);
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("only http:// and https:// endpoints are supported, got '" + raw + "'");
    }
    if (uri.getHost() == null) throw new IllegalArgumentException("no host in endpoint '" + raw + "'");
    int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
    if (uri.getPath() != null && !uri.getPath().isEmpty()) {
      throw new IllegalArgumentException("an endpoint is a base URL without a path, got '" + raw + "'");
    }
    return new Endpoint(scheme + "://" + uri.getHost() + ":" + port, uri.getHost(), port);
  }

  /**
   * Parses a comma-separated list; all of them {@code http://} or all {@code https://}, as one run
   * speaks one of them to every member.
   */
  public static List<Endpoint> parseList(String csv) {
    List<Endpoint> out = new ArrayList<>();
    for (String part : csv.split(",")) {
      if (!part.isBlank()) out.add(parse(part));
    }
    if (out.isEmpty()) throw new IllegalArgumentException("no endpoints in '" + csv + "'");
    if (out.stream().map(Endpoint::tls).distinct().count() > 1) {
      throw new IllegalArgumentException("mix of http:// and https:// endpoints in '" + csv + "': use one scheme");
    }
    return List.copyOf(out);
  }

  /** Whether this endpoint is reached over TLS ({@code https://}). */
  public boolean tls() {
    return url.startsWith("https://");
  }

  @Override
  public String toString() {
    return url;
  }
}
