package io.bellwether.core.codec;

import io.bellwether.core.Member;
import io.bellwether.core.Membership;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The bytes of a {@link Membership}: the data of a configuration log entry, and the configuration a
 * snapshot carries on disk and in InstallSnapshot. The layout is fixed, big-endian:
 *
 * <pre>
 *   byte  format (1)
 *   long  index
 *   int   member count
 *   per member: id, peer address, http address (each a length byte and UTF-8, empty for none),
 *               byte voter (0 or 1)
 * </pre>
 *
 * Members come in ascending order of id ({@link String#compareTo}, the order {@link Membership}
 * keeps), each once, so a configuration has exactly one encoding and decoding accepts no other: a
 * damaged id that still decodes cannot pass for a different, reordered configuration.
 *
 * <p>Decoding checks every length before it reads, like every other codec here: the bytes come from
 * disk and the network.
 */
public final class MembershipCodec {

  private static final byte FORMAT = 1;

  /** The smallest member: three empty strings and the voter byte. */
  private static final int MIN_MEMBER_BYTES = 4;

  private MembershipCodec() {}

  /** The canonical bytes of {@code membership} (see the class comment). */
  public static byte[] encode(Membership membership) {
    List<byte[]> parts = new ArrayList<>();
    int size = 1 + 8 + 4;
    for (Member m : membership.members()) {
      byte[] id = bytes(m.id());
      byte[] peer = bytes(m.peer() == null ? "" : m.peer());
      byte[] http = bytes(m.http() == null ? "" : m.http());
      parts.add(id);
      parts.add(peer);
      parts.add(http);
      size += 3 + id.length + peer.length + http.length + 1;
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    out.put(FORMAT).putLong(membership.index()).putInt(membership.members().size());
    int i = 0;
    for (Member m : membership.members()) {
      for (int k = 0; k < 3; k++) {
        byte[] b = parts.get(i++);
        out.put((byte) b.length).put(b);
      }
      out.put((byte) (m.voter() ? 1 : 0));
    }
    return out.array();
  }

  /**
   * @throws CodecException when the bytes are not a configuration this version wrote
   */
  public static Membership decode(byte[] bytes) {
    FrameReader in = new FrameReader(ByteBuffer.wrap(bytes));
    byte format = in.readByte("configuration format");
    if (format != FORMAT) {
      throw new CodecException("unknown configuration format " + format, 0);
    }
    long index = in.readLongAtLeast(0, "configuration index");
    int count = in.readCount(MIN_MEMBER_BYTES, "member count");
    List<Member> members = new ArrayList<>(count);
    String previous = null;
    for (int i = 0; i < count; i++) {
      int at = in.offset();
      String id = in.readNodeId("member id");
      checkOrder(previous, id, at);
      previous = id;
      String peer = address(in, "peer address");
      String http = address(in, "http address");
      boolean voter = in.readBoolean("voter");
      try {
        members.add(new Member(id, voter, peer, http));
      } catch (IllegalArgumentException e) {
        throw new CodecException("bad member: " + e.getMessage(), at, e);
      }
    }
    if (in.remaining() != 0) {
      throw new CodecException(in.remaining() + " bytes after the configuration", in.offset());
    }
    try {
      return new Membership(index, members);
    } catch (IllegalArgumentException e) {
      throw new CodecException("bad configuration: " + e.getMessage(), 0, e);
    }
  }

  /** Rejects an id equal to or before the previous one: the encoder writes them sorted, each once. */
  private static void checkOrder(String previous, String id, int at) {
    if (previous == null) return;
    int order = previous.compareTo(id);
    if (order == 0) throw new CodecException("bad configuration: member " + id + " appears twice", at);
    if (order > 0) throw new CodecException("members out of order: " + id + " after " + previous, at);
  }

  private static String address(FrameReader in, String field) {
    String text = in.readNodeId(field);
    return text.isEmpty() ? null : text;
  }

  private static byte[] bytes(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    if (b.length > 255) throw new IllegalArgumentException("longer than 255 bytes: " + s);
    return b;
  }
}
