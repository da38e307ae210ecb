package io.bellwether.core.codec;

import io.bellwether.core.message.Message;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Turns node-to-node {@link Message}s into frames of bytes and back. The format is described in
 * {@code package-info.java}; transports carry the frames and never look inside.
 *
 * <p>Thread-safe: an instance holds only its size limit, so one codec may serve every thread.
 *
 * <p>Decoding treats its input as hostile: every length and count is checked against the bytes that
 * remain before anything is allocated, and any malformed input raises {@link CodecException} and
 * nothing else.
 */
public final class MessageCodec {

  /**
   * The only frame version this codec writes and reads. 2: heartbeats carry the leader's timing and
   * their answers whether the follower's promise covers the lease. 3: leadership transfer
   * ({@code TimeoutNow}, and vote requests that say they come from one). 4: InstallSnapshot carries
   * the snapshot's cluster configuration. An older node's frames are
   * refused by name rather than misread.
   */
  public static final byte VERSION = 4;

  /** 16 MiB: room for a large AppendEntries batch, small enough that a bad peer cannot exhaust memory. */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

  /** A codec with {@link #DEFAULT_MAX_MESSAGE_BYTES}. */
  public static final MessageCodec DEFAULT = new MessageCodec(DEFAULT_MAX_MESSAGE_BYTES);

  /** Node ids are length-prefixed by one unsigned byte. */
  public static final int MAX_NODE_ID_BYTES = 255;

  // version, type, then a length byte for each of the two node ids, then the term.
  private static final int HEADER_FIXED_BYTES = 1 + 1 + 1 + 1 + 8;

  private final int maxMessageBytes;

  /**
   * @param maxMessageBytes the largest frame this codec encodes or accepts to decode
   * @throws IllegalArgumentException if {@code maxMessageBytes} is not positive
   */
  public MessageCodec(int maxMessageBytes) {
    if (maxMessageBytes < 1) {
      throw new IllegalArgumentException("maxMessageBytes must be >= 1: " + maxMessageBytes);
    }
    this.maxMessageBytes = maxMessageBytes;
  }

  public int maxMessageBytes() {
    return maxMessageBytes;
  }

  /**
   * Encodes {@code message} as one frame. Whatever this returns, {@link #decode(byte[])} turns back
   * into an equal message.
   *
   * @return a new array holding exactly the frame
   * @throws IllegalArgumentException if the frame would exceed {@link #maxMessageBytes()}, a node id is
   *     null, not valid Unicode or longer than {@value #MAX_NODE_ID_BYTES} UTF-8 bytes, or a term or
   *     index is negative
   * @throws NullPointerException if {@code message} is null
   */
  public byte[] encode(Message message) {
    Objects.requireNonNull(message, "message");
    byte[] from = nodeIdBytes(message.from(), "from");
    byte[] to = nodeIdBytes(message.to(), "to");
    if (message.term() < 0) throw new IllegalArgumentException("term must be >= 0: " + message.term());
    long size = HEADER_FIXED_BYTES + from.length + to.length + MessageBodies.sizeBytes(message);
    if (size > maxMessageBytes) {
      throw new IllegalArgumentException(
          message.getClass().getSimpleName() + " needs " + size + " bytes, over the limit of "
              + maxMessageBytes);
    }
    ByteBuffer out = ByteBuffer.allocate((int) size);
    out.put(VERSION);
    out.put(MessageBodies.typeCode(message));
    out.put((byte) from.length).put(from);
    out.put((byte) to.length).put(to);
    out.putLong(message.term());
    MessageBodies.write(message, out);
    assert !out.hasRemaining() : "size computed for " + message + " is too large";
    return out.array();
  }

  /**
   * Decodes one frame that fills {@code frame} exactly.
   *
   * @throws CodecException if the bytes are not exactly one valid frame of at most
   *     {@link #maxMessageBytes()} bytes
   * @throws NullPointerException if {@code frame} is null
   */
  public Message decode(byte[] frame) {
    return decode(ByteBuffer.wrap(frame));
  }

  /**
   * Decodes one frame that fills the remaining bytes of {@code frame} (from its position to its
   * limit) exactly. On success the buffer's position is moved to its limit; on failure it is left
   * unchanged. The buffer's byte order is ignored: frames are big-endian.
   *
   * @throws CodecException if the bytes are not exactly one valid frame of at most
   *     {@link #maxMessageBytes()} bytes
   * @throws NullPointerException if {@code frame} is null
   */
  public Message decode(ByteBuffer frame) {
    if (frame.remaining() > maxMessageBytes) {
      throw new CodecException(
          "frame of " + frame.remaining() + " bytes exceeds the limit of " + maxMessageBytes, 0);
    }
    FrameReader in = new FrameReader(frame);
    Message message = read(in);
    if (in.remaining() > 0) {
      throw new CodecException(
          in.remaining() + " trailing bytes after a complete " + message.getClass().getSimpleName(),
          in.offset());
    }
    frame.position(frame.limit());
    return message;
  }

  private static Message read(FrameReader in) {
    byte version = in.readByte("version");
    if (version != VERSION) {
      throw new CodecException(
          "unsupported frame version " + version + " (this node supports version " + VERSION + ")", 0);
    }
    byte type = in.readByte("message type");
    // Checked before the rest of the header, so a frame of an unknown type is named as such.
    if (!MessageBodies.isKnownType(type)) throw new CodecException("unknown message type " + type, 1);
    String from = in.readNodeId("from");
    String to = in.readNodeId("to");
    long term = in.readLongAtLeast(0, "term");
    int bodyAt = in.offset();
    try {
      return MessageBodies.read(type, from, to, term, in);
    } catch (IllegalArgumentException e) {
      // A record constructor refused a value the reader let through: still bad input, not a bug here.
      throw new CodecException("invalid message body: " + e.getMessage(), bodyAt, e);
    }
  }

  private static byte[] nodeIdBytes(String id, String field) {
    if (id == null) throw new IllegalArgumentException(field + " node id must not be null");
    // A strict encoder: String.getBytes would silently turn a lone surrogate into '?'.
    CharsetEncoder utf8 =
        StandardCharsets.UTF_8
            .newEncoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer encoded;
    try {
      encoded = utf8.encode(CharBuffer.wrap(id));
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(field + " node id is not valid Unicode: " + id, e);
    }
    if (encoded.remaining() > MAX_NODE_ID_BYTES) {
      throw new IllegalArgumentException(
          field + " node id is " + encoded.remaining() + " UTF-8 bytes, over the limit of "
              + MAX_NODE_ID_BYTES);
    }
    byte[] bytes = new byte[encoded.remaining()];
    encoded.get(bytes);
    return bytes;
  }
}
