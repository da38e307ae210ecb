package io.bellwether.bench.load;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** A base URL such as {@code http://127.0.0.1:8080}, parsed once. */
public record Endpoint(String url, String host, int port) {

  /** Parses {@code http://host:port} (a trailing slash is dropped; only plain HTTP is supported). */
  public static Endpoint parse(String raw) {
    String s = raw.trim();
    if (!s.contains("://")) s = "http://" + s;
    while (s.endsWith("/")) s = s.substring(0, s.length() - 1);
    URI uri = URI.create(s);
    if (!"http".equalsIgnoreCase(uri.getScheme())) {
      throw new IllegalArgumentException("only http:// endpoints are supported, got '" + raw + "'");
    }
    if (uri.getHost() == null) throw new IllegalArgumentException("no host in endpoint '" + raw + "'");
    int port = uri.getPort() == -1 ? 80 : uri.getPort();
    if (uri.getPath() != null && !uri.getPath().isEmpty()) {
      throw new IllegalArgumentException("an endpoint is a base URL without a path, got '" + raw + "'");
    }
    return new Endpoint("http://" + uri.getHost() + ":" + port, uri.getHost(), port);
  }

  /** Parses a comma-separated list. */
  public static List<Endpoint> parseList(String csv) {
    List<Endpoint> out = new ArrayList<>();
    for (String part : csv.split(",")) {
      if (!part.isBlank()) out.add(parse(part));
    }
    if (out.isEmpty()) throw new IllegalArgumentException("no endpoints in '" + csv + "'");
    return List.copyOf(out);
  }

  @Override
  public String toString() {
    return url;
  }
}
