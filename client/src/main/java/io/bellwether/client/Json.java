package io.bellwether.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** JSON of the API's answers. One shared mapper: thread-safe once configured. */
final class Json {

  private Json() {}

  /** Built on first use: Jackson's start-up is a tenth of a second, and a call that succeeds may need none. */
  private static final class Mapper {
    static final ObjectMapper MAPPER = new ObjectMapper();
  }

  /** {@code body} as a JSON object, or null when it is empty, not JSON or not an object. */
  static JsonNode object(byte[] body) {
    if (body == null || body.length == 0) return null;
    try {
      JsonNode n = Mapper.MAPPER.readTree(body);
      return n != null && n.isObject() ? n : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** The API's error code ({@code "error"}) of an error body, or null when it is not one. */
  static String errorCode(JsonNode body) {
    JsonNode code = body == null ? null : body.get("error");
    return code != null && code.isTextual() && !code.asText().isBlank() ? code.asText() : null;
  }

  /** Up to 200 characters of a body, for messages. */
  static String snippet(byte[] body) {
    String t = body == null ? "" : new String(body, StandardCharsets.UTF_8).strip();
    return t.length() > 200 ? t.substring(0, 200) + "..." : t;
  }

  /** {@code body.field} as a long; throws when it is missing or not a number (an unreadable answer). */
  static long requiredLong(JsonNode body, String field) {
    JsonNode v = body == null ? null : body.get(field);
    if (v == null || !v.canConvertToLong()) throw new IllegalStateException("the answer has no numeric '" + field + "'");
    return v.asLong();
  }

  static String requiredText(JsonNode body, String field) {
    JsonNode v = body == null ? null : body.get(field);
    if (v == null || !v.isTextual()) throw new IllegalStateException("the answer has no text '" + field + "'");
    return v.asText();
  }

  static boolean requiredBoolean(JsonNode body, String field) {
    JsonNode v = body == null ? null : body.get(field);
    if (v == null || !v.isBoolean()) throw new IllegalStateException("the answer has no boolean '" + field + "'");
    return v.asBoolean();
  }
}
