package io.bellwether.node.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The dashboard's files ({@code GET /ui}, {@code /ui/} and {@code /ui/NAME}): a fixed list of files
 * from this jar's resources ({@code io/bellwether/node/ui/}), read once when the node starts and
 * served from memory. The page needs no build step and loads nothing from elsewhere.
 *
 * <p>Only the names in {@link #FILES} are served; any other name is 404. Nothing is ever looked up
 * by a path the client chose, so no path can reach another file of the jar or of the disk. Every
 * answer says {@code Cache-Control: no-cache} (with an {@code ETag}, so a browser revalidates
 * instead of fetching again): after an upgrade the page must not run yesterday's script against
 * today's API.
 *
 * <p>Immutable after construction; {@link #serve} runs on an event loop and never blocks.
 */
final class UiAssets {

  /** Where the files are among the class path's resources. */
  static final String RESOURCE_DIR = "io/bellwether/node/ui/";
  /** What {@code /ui} and {@code /ui/} serve. */
  static final String INDEX = "index.html";
  /** Every file of the dashboard; {@code DashboardAssetsTest} checks that every file of the directory is listed. */
  static final List<String> FILES = List.of(INDEX, "app.css", "app.js", "auth.js", "sse.js", "streams.js",
      "cluster.js", "history.js", "view.js", "charts.js", "controls.js");

  /**
   * What the page may do: its own scripts and styles only (no inline script, no other site), and
   * fetch from any http(s) origin, because it streams from every member at its own address.
   */
  static final String CONTENT_SECURITY_POLICY = "default-src 'self'; connect-src 'self' http: https:; "
      + "img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; "
      + "frame-ancestors 'none'; form-action 'none'";

  private record Asset(Buffer body, String contentType, String etag) {}

  private final Map<String, Asset> assets;

  private UiAssets(Map<String, Asset> assets) {
    this.assets = assets;
  }

  /**
   * Reads every file of {@link #FILES} from the class path.
   *
   * @throws IllegalStateException when one is missing (the jar was built wrong)
   */
  static UiAssets load() {
    Map<String, Asset> assets = new LinkedHashMap<>();
    for (String name : FILES) {
      byte[] bytes = read(name);
      assets.put(name, new Asset(Buffer.buffer(bytes), contentType(name), etag(bytes)));
    }
    return new UiAssets(assets);
  }

  /**
   * Answers a request for {@code path} ({@code /ui}, {@code /ui/} or {@code /ui/NAME}, as the
   * router normalized it): the file, 304 when the client's {@code If-None-Match} holds its current
   * tag, or 404 {@code NOT_FOUND} for a name that is not one of {@link #FILES}.
   */
  void serve(RoutingContext ctx, String path) {
    String name = name(path);
    Asset asset = name == null ? null : assets.get(name);
    if (asset == null) {
      Replies.error(ctx, new ApiError(404, "NOT_FOUND", "the dashboard has no file " + path));
      return;
    }
    var response = ctx.response()
        .putHeader("Cache-Control", "no-cache")
        .putHeader("ETag", asset.etag())
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer");
    if (INDEX.equals(name)) response.putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    if (asset.etag().equals(ctx.request().getHeader("If-None-Match"))) {
      response.setStatusCode(304).end();
      return;
    }
    response.putHeader("Content-Type", asset.contentType()).end(asset.body());
  }

  /** The file a path names: the index for {@code /ui} and {@code /ui/}, else what follows {@code /ui/}. */
  static String name(String path) {
    if (path == null || !path.startsWith("/ui")) return null;
    String rest = path.substring("/ui".length());
    if (rest.isEmpty() || rest.equals("/")) return INDEX;
    return rest.startsWith("/") ? rest.substring(1) : null;
  }

  static String contentType(String name) {
    if (name.endsWith(".html")) return "text/html; charset=utf-8";
    if (name.endsWith(".js")) return "text/javascript; charset=utf-8";
    if (name.endsWith(".css")) return "text/css; charset=utf-8";
    throw new IllegalArgumentException("no content type for dashboard file " + name);
  }

  private static byte[] read(String name) {
    try (InputStream in = UiAssets.class.getClassLoader().getResourceAsStream(RESOURCE_DIR + name)) {
      if (in == null) throw new IllegalStateException("the dashboard file " + RESOURCE_DIR + name + " is not in the jar");
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the dashboard file " + RESOURCE_DIR + name, e);
    }
  }

  /** A strong tag from the content, so a rebuilt jar changes it and an unchanged file keeps it. */
  private static String etag(byte[] bytes) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
      return "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
