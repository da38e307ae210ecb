package io.bellwether.node.http;

import io.bellwether.core.Member;
import io.bellwether.core.spi.Endpoint;
import io.bellwether.node.config.NodeConfig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * Parses and checks the membership routes' input; each bad part is a 400 {@link ApiError} saying
 * what is expected, thrown before the node is asked anything, so a bad request changes nothing.
 */
final class MemberRequests {

  /** The largest body: an id of 64 characters and two addresses of at most 255 bytes fit with room. */
  static final int MAX_BODY_BYTES = 2048;

  private static final Set<String> ADD_FIELDS = Set.of("id", "peerAddress", "httpAddress");
  private static final String ADD_SHAPE =
      "{\"id\": \"<node id>\", \"peerAddress\": \"<host:port>\", \"httpAddress\": \"<host:port>\"}";

  private MemberRequests() {}

  /** The learner {@code POST /v1/members} asks for: exactly {@code id}, {@code peerAddress}, {@code httpAddress}. */
  static Member learner(Buffer body) {
    if (body == null || body.toString().isBlank()) throw ApiError.badRequest("the body is empty; expected " + ADD_SHAPE);
    Object json;
    try {
      json = Json.decodeValue(body);
    } catch (DecodeException e) {
      throw ApiError.badRequest("the body is not valid JSON (" + e.getMessage() + "); expected " + ADD_SHAPE);
    }
    if (!(json instanceof JsonObject o)) {
      throw ApiError.badRequest("the body must be a JSON object such as " + ADD_SHAPE + ", not " + body);
    }
    for (String field : o.fieldNames()) {
      if (!ADD_FIELDS.contains(field)) {
        throw ApiError.badRequest("unknown field '" + field + "' in the body; expected " + ADD_SHAPE);
      }
    }
    String id = text(o, "id");
    if (!NodeConfig.isNodeId(id)) {
      throw ApiError.badRequest("\"id\" must be a node id: 1 to 64 letters, digits, '.', '_' or '-', starting with"
          + " a letter or digit; got " + Json.encode(id));
    }
    return Member.learner(id, address(o, "peerAddress"), address(o, "httpAddress"));
  }

  /**
   * The member id in a route's path. Any id a configuration can hold is accepted here (an embedder's
   * ids may be other than node-app's), so every member can be promoted or removed over HTTP.
   */
  static String memberId(String raw) {
    try {
      return new Member(raw, false, null, null).id();
    } catch (RuntimeException e) {
      throw ApiError.badRequest("'" + raw + "' is not a member id: " + e.getMessage());
    }
  }

  /** Routes that take no input accept no body, or {@code {}}: anything else is probably a mistake. */
  static void requireNoInput(Buffer body) {
    if (body == null || body.toString().isBlank()) return;
    try {
      if (Json.decodeValue(body) instanceof JsonObject o && o.isEmpty()) return;
    } catch (DecodeException e) {
      // refused below
    }
    throw ApiError.badRequest("this request takes no body (or {}); the member is named in the path");
  }

  private static String text(JsonObject o, String field) {
    Object value = o.getValue(field);
    if (value == null) throw ApiError.badRequest("\"" + field + "\" is missing; expected " + ADD_SHAPE);
    if (!(value instanceof String s) || s.isBlank()) {
      throw ApiError.badRequest("\"" + field + "\" must be a non-empty string, not " + Json.encode(value));
    }
    return s;
  }

  /** {@code host:port} with a real port (1–65535): where other nodes will connect. */
  private static String address(JsonObject o, String field) {
    String text = text(o, field);
    Endpoint endpoint;
    try {
      endpoint = Endpoint.parse(text);
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest("\"" + field + "\" must be host:port, got '" + text + "' (" + e.getMessage() + ")");
    }
    if (endpoint.port() == 0 || text.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))
        || text.length() > 255) {
      throw ApiError.badRequest("\"" + field + "\" must be host:port with a port from 1 to 65535 and no spaces,"
          + " got '" + text + "'");
    }
    return endpoint.toString();
  }
}
