package io.bellwether.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vertx.core.buffer.Buffer;

/** One shared Jackson mapper, and lenient parsing of answer bodies. */
final class Json {

  static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Json() {}

  /** The body as JSON, or null when it is not JSON (an error page, an empty body). */
  static JsonNode parseOrNull(Buffer body) {
    if (body == null || body.length() == 0) return null;
    try {
      return MAPPER.readTree(body.getBytes());
    } catch (java.io.IOException e) {
      return null;
    }
  }

  static String text(JsonNode node, String field) {
    if (node == null) return null;
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
