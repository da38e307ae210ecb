package io.bellwether.node.http;

import io.bellwether.core.kv.InvalidRequestException;
import io.bellwether.core.kv.KvLimits;
import io.bellwether.core.kv.WriteOptions;
import io.bellwether.core.runtime.ReadConsistency;
import io.vertx.core.MultiMap;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Parses and checks the parts of a request; each bad part is a 400 {@link ApiError} saying why. */
final class Requests {

  static final String KV_PREFIX = "/v1/kv/";

  private Requests() {}

  /**
   * The key of {@code /v1/kv/{key}}, taken from the raw path and percent-decoded strictly (UTF-8; a
   * malformed escape is an error, {@code +} stays a plus). A key may contain {@code /}.
   */
  static String key(String rawPath) {
    if (!rawPath.startsWith(KV_PREFIX)) throw ApiError.badRequest("path must be /v1/kv/{key}");
    String key = percentDecode(rawPath.substring(KV_PREFIX.length()));
    try {
      KvLimits.checkKey(key);
    } catch (InvalidRequestException e) {
      throw ApiError.badRequest(e.getMessage());
    }
    return key;
  }

  static String percentDecode(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length()) throw ApiError.badRequest("invalid percent-encoding in the key: '" + s + "'");
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) throw ApiError.badRequest("invalid percent-encoding in the key: '" + s + "'");
        out.write(hi * 16 + lo);
        i += 2;
      } else if (c < 0x80) {
        out.write(c);
      } else {
        byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        out.write(utf8, 0, utf8.length);
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(out.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw ApiError.badRequest("the key is not valid UTF-8 once percent-decoded");
    }
  }

  /** {@code If-Match: "<version>"}, {@code If-None-Match: *} and {@code Idempotency-Key}. */
  static WriteOptions writeOptions(MultiMap headers) {
    String ifMatch = single(headers, Headers.IF_MATCH);
    String ifNoneMatch = single(headers, Headers.IF_NONE_MATCH);
    WriteOptions options = WriteOptions.NONE;
    if (ifMatch != null && ifNoneMatch != null) {
      throw ApiError.badRequest("use either If-Match or If-None-Match, not both");
    }
    if (ifMatch != null) options = WriteOptions.ifVersion(version(ifMatch));
    if (ifNoneMatch != null) {
      if (!ifNoneMatch.trim().equals("*")) {
        throw ApiError.badRequest("If-None-Match must be * (create only), got '" + ifNoneMatch + "'");
      }
      options = WriteOptions.ifAbsent();
    }
    String idempotencyKey = single(headers, Headers.IDEMPOTENCY_KEY);
    if (idempotencyKey != null) {
      try {
        KvLimits.checkIdempotencyKey(idempotencyKey);
      } catch (InvalidRequestException e) {
        throw ApiError.badRequest(e.getMessage());
      }
      options = options.withIdempotencyKey(idempotencyKey);
    }
    return options;
  }

  private static long version(String ifMatch) {
    String v = ifMatch.trim();
    if (v.length() < 3 || v.charAt(0) != '"' || v.charAt(v.length() - 1) != '"') {
      throw ApiError.badRequest("If-Match must be a quoted version such as \"42\", got '" + ifMatch + "'");
    }
    String digits = v.substring(1, v.length() - 1);
    try {
      long version = Long.parseLong(digits);
      if (version < 0) throw new NumberFormatException();
      return version;
    } catch (NumberFormatException e) {
      throw ApiError.badRequest("If-Match must be a quoted version such as \"42\", got '" + ifMatch + "'");
    }
  }

  private static String single(MultiMap headers, String name) {
    var all = headers.getAll(name);
    if (all.size() > 1) throw ApiError.badRequest("header " + name + " given " + all.size() + " times");
    return all.isEmpty() ? null : all.get(0);
  }

  /** {@code consistency=linearizable|lease|stale}; linearizable when absent. */
  static ReadConsistency consistency(MultiMap params) {
    String raw = single(params, "consistency");
    if (raw == null) return ReadConsistency.LINEARIZABLE;
    try {
      return ReadConsistency.parse(raw);
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest(e.getMessage());
    }
  }

  /** {@code minIndex=N}, N >= 0; 0 when absent. */
  static long minIndex(MultiMap params) {
    String raw = single(params, "minIndex");
    if (raw == null) return 0;
    try {
      long n = Long.parseLong(raw.trim());
      if (n < 0) throw new NumberFormatException();
      return n;
    } catch (NumberFormatException e) {
      throw ApiError.badRequest("minIndex must be an integer >= 0, got '" + raw + "'");
    }
  }

  /** {@code limit=N} of a scan, 1..{@value KvLimits#MAX_SCAN_LIMIT}; 100 when absent. */
  static int scanLimit(MultiMap params) {
    String raw = single(params, "limit");
    if (raw == null) return 100;
    try {
      int n = Integer.parseInt(raw.trim());
      if (n < 1 || n > KvLimits.MAX_SCAN_LIMIT) throw new NumberFormatException();
      return n;
    } catch (NumberFormatException e) {
      throw ApiError.badRequest("limit must be an integer from 1 to " + KvLimits.MAX_SCAN_LIMIT + ", got '" + raw + "'");
    }
  }

  /** {@code prefix=P} of a scan; "" (every key) when absent. */
  static String prefix(MultiMap params) {
    String raw = single(params, "prefix");
    String prefix = raw == null ? "" : raw;
    try {
      KvLimits.checkPrefix(prefix);
    } catch (InvalidRequestException e) {
      throw ApiError.badRequest(e.getMessage());
    }
    return prefix;
  }

  /** {@code after=K} of a scan: continue after key K (exclusive); null when absent. */
  static String after(MultiMap params) {
    String after = single(params, "after");
    if (after == null) return null;
    try {
      KvLimits.checkKey(after);
    } catch (InvalidRequestException e) {
      throw ApiError.badRequest("after: " + e.getMessage());
    }
    return after;
  }

  /** {@code lease=ID} of a put, ID >= 1; 0 (no lease) when absent. */
  static long lease(MultiMap params) {
    String raw = single(params, "lease");
    if (raw == null) return 0;
    try {
      long id = Long.parseLong(raw.trim());
      if (id < 1) throw new NumberFormatException();
      return id;
    } catch (NumberFormatException e) {
      throw ApiError.badRequest("lease must be a lease id >= 1, got '" + raw + "'");
    }
  }
}
