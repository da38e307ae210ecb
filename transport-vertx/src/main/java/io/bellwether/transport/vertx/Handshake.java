package io.bellwether.transport.vertx;

import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * What a connecting node says first: which cluster it belongs to, who it is and whom it meant to
 * reach. On the wire it is an 8-byte preamble (magic, protocol version, body length) and a body:
 *
 * <pre>
 * u32 magic 0x42454C57 ("BELW") | u16 version | u16 bodyLength
 * u16 clusterIdLength | clusterId (UTF-8) | u8 fromLength | from (UTF-8) | u8 toLength | to (UTF-8)
 * </pre>
 *
 * <p>The magic comes first and unframed, so bytes from something that is not a Bellwether node (an
 * HTTP client, a port scanner) are recognised at once instead of being read as a huge length.
 */
record Handshake(String clusterId, String fromNodeId, String toNodeId) {

  static final int MAGIC = 0x42454C57;
  static final int VERSION = 1;
  static final int PREAMBLE_BYTES = 8;
  static final int MAX_CLUSTER_ID_BYTES = 1024;
  static final int MAX_NODE_ID_BYTES = 255;
  static final int MAX_BODY_BYTES = 2 + MAX_CLUSTER_ID_BYTES + 2 * (1 + MAX_NODE_ID_BYTES);

  /** Thrown when a handshake body is malformed; the message says how. */
  static final class MalformedHandshakeException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedHandshakeException(String message) {
      super(message);
    }
  }

  /**
   * Checks that the ids fit the wire format.
   *
   * @throws IllegalArgumentException naming the id that is empty or too long
   */
  Handshake {
    utf8(clusterId, "cluster id", MAX_CLUSTER_ID_BYTES);
    utf8(fromNodeId, "node id", MAX_NODE_ID_BYTES);
    utf8(toNodeId, "node id", MAX_NODE_ID_BYTES);
  }

  /** Preamble and body, ready to write. */
  Buffer encode() {
    byte[] cluster = utf8(clusterId, "cluster id", MAX_CLUSTER_ID_BYTES);
    byte[] from = utf8(fromNodeId, "node id", MAX_NODE_ID_BYTES);
    byte[] to = utf8(toNodeId, "node id", MAX_NODE_ID_BYTES);
    int bodyBytes = 2 + cluster.length + 1 + from.length + 1 + to.length;
    return Buffer.buffer(PREAMBLE_BYTES + bodyBytes)
        .appendInt(MAGIC)
        .appendShort((short) VERSION)
        .appendShort((short) bodyBytes)
        .appendShort((short) cluster.length)
        .appendBytes(cluster)
        .appendByte((byte) from.length)
        .appendBytes(from)
        .appendByte((byte) to.length)
        .appendBytes(to);
  }

  /** Decodes a body of exactly the announced length. */
  static Handshake decodeBody(Buffer body) throws MalformedHandshakeException {
    ByteBuffer in = ByteBuffer.wrap(body.getBytes());
    String cluster = readString(in, 2, "cluster id");
    String from = readString(in, 1, "from node id");
    String to = readString(in, 1, "to node id");
    if (in.hasRemaining()) throw new MalformedHandshakeException(in.remaining() + " trailing bytes");
    if (cluster.isEmpty() || from.isEmpty() || to.isEmpty()) {
      throw new MalformedHandshakeException("empty cluster or node id");
    }
    try {
      return new Handshake(cluster, from, to);
    } catch (IllegalArgumentException e) {
      throw new MalformedHandshakeException(e.getMessage());
    }
  }

  private static String readString(ByteBuffer in, int lengthBytes, String field)
      throws MalformedHandshakeException {
    if (in.remaining() < lengthBytes) throw new MalformedHandshakeException("truncated before " + field);
    int length = lengthBytes == 2 ? Short.toUnsignedInt(in.getShort()) : Byte.toUnsignedInt(in.get());
    if (in.remaining() < length) throw new MalformedHandshakeException("truncated " + field);
    ByteBuffer slice = in.slice().limit(length);
    in.position(in.position() + length);
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(slice)
          .toString();
    } catch (CharacterCodingException e) {
      throw new MalformedHandshakeException(field + " is not valid UTF-8");
    }
  }

  private static byte[] utf8(String text, String field, int maxBytes) {
    if (text == null || text.isEmpty()) throw new IllegalArgumentException(field + " must not be empty");
    ByteBuffer encoded;
    try {
      encoded = StandardCharsets.UTF_8.newEncoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .encode(CharBuffer.wrap(text));
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(field + " is not valid Unicode: " + text, e);
    }
    if (encoded.remaining() > maxBytes) {
      throw new IllegalArgumentException(
          field + " '" + text + "' is " + encoded.remaining() + " UTF-8 bytes, over the limit of " + maxBytes);
    }
    byte[] bytes = new byte[encoded.remaining()];
    encoded.get(bytes);
    return bytes;
  }
}
