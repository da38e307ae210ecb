package io.bellwether.core.codec;

// Goal: malformed frames raise CodecException naming the problem, and never another throwable, a huge allocation or a hang.
// Method: hand-built frames (Frames) for each rule, plus seeded truncation, garbage and mutation sweeps over random messages.

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bellwether.core.LogEntry;
import io.bellwether.core.Membership;
import io.bellwether.core.message.AppendEntries;
import io.bellwether.core.message.Message;
import io.bellwether.core.message.RequestVote;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MessageCodecMalformedInputTest {

  private static final MessageCodec CODEC = MessageCodec.DEFAULT;
  private static final int REQUEST_VOTE = 1;
  private static final int APPEND_ENTRIES = 3;
  private static final int HEARTBEAT = 5;
  private static final int INSTALL_SNAPSHOT = 9;
  private static long seed;

  @BeforeAll
  static void pickSeed() {
    seed = CodecSeed.forClass(MessageCodecMalformedInputTest.class);
  }

  // --- sweeps -----------------------------------------------------------------------------------

  @Test
  void everyTruncationOfAValidFrameIsRejected() {
    Random r = new Random(seed);
    List<Message> messages = new ArrayList<>();
    for (RandomMessages.Generator g : RandomMessages.GENERATORS) {
      for (int i = 0; i < 5; i++) messages.add(g.next(r));
    }
    messages.add(
        new AppendEntries("léader-1", "节点-2", 7, 10, 6,
            List.of(LogEntry.command(6, 11, new byte[] {1, 2, 3}), LogEntry.noop(7, 12)), 9));
    for (Message message : messages) {
      byte[] frame = CODEC.encode(message);
      for (int length = 0; length < frame.length; length++) {
        byte[] cut = Arrays.copyOf(frame, length);
        assertThatThrownBy(() -> CODEC.decode(cut))
            .as("codec seed=%d %s cut to %d bytes", seed, message, length)
            .isInstanceOf(CodecException.class);
      }
    }
  }

  @Test
  void randomGarbageOnlyEverDecodesOrRaisesCodecException() {
    Random r = new Random(seed);
    for (int i = 0; i < 50_000; i++) {
      byte[] garbage = new byte[r.nextInt(80)];
      r.nextBytes(garbage);
      // Most random frames die at the version byte; give most of them a plausible header instead.
      if (garbage.length > 1 && r.nextInt(4) != 0) {
        garbage[0] = MessageCodec.VERSION;
        garbage[1] = (byte) (1 + r.nextInt(8));
      }
      decodeOnlyCleanly(garbage, CodecSeed.replay(seed, i));
    }
  }

  @Test
  void mutatedFramesOnlyEverDecodeOrRaiseCodecException() {
    Random r = new Random(seed);
    for (int i = 0; i < 20_000; i++) {
      byte[] frame = CODEC.encode(RandomMessages.any(r));
      int mutations = 1 + r.nextInt(3);
      for (int m = 0; m < mutations; m++) {
        int at = r.nextInt(frame.length);
        // Lengths and counts are where decoders break: sometimes write an extreme value there.
        frame[at] = r.nextBoolean() ? (byte) r.nextInt(256) : (byte) (r.nextBoolean() ? 0x7F : 0xFF);
      }
      decodeOnlyCleanly(frame, CodecSeed.replay(seed, i));
    }
  }

  /** Decoding either fails with CodecException or yields a message that re-encodes to the input. */
  private static void decodeOnlyCleanly(byte[] input, String replay) {
    Message decoded;
    try {
      decoded = CODEC.decode(input);
    } catch (CodecException expected) {
      return;
    } catch (Throwable t) {
      throw new AssertionError(replay + ": " + t + " decoding " + Arrays.toString(input), t);
    }
    assertThat(CODEC.encode(decoded)).as(replay).isEqualTo(input);
  }

  // --- lengths and counts -----------------------------------------------------------------------

  @Test
  @Timeout(value = 2, unit = TimeUnit.SECONDS)
  void aHugeDataLengthFailsFastWithoutAllocating() {
    byte[] frame =
        Frames.header(APPEND_ENTRIES).i64(0).i64(0).i32(1)
            .entryHeader(1, 1, 1, Integer.MAX_VALUE).i64(0).bytes();

    assertThatThrownBy(() -> CODEC.decode(frame))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("entry data length " + Integer.MAX_VALUE + " exceeds");
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.SECONDS)
  void aHugeEntryCountFailsFastWithoutAllocating() {
    byte[] frame = Frames.header(APPEND_ENTRIES).i64(0).i64(0).i32(Integer.MAX_VALUE).i64(0).bytes();

    assertThatThrownBy(() -> CODEC.decode(frame))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("entry count " + Integer.MAX_VALUE);
  }

  @Test
  void negativeLengthsAndCountsAreRejected() {
    byte[] negativeCount = Frames.header(APPEND_ENTRIES).i64(0).i64(0).i32(-1).i64(0).bytes();
    byte[] negativeLength =
        Frames.header(APPEND_ENTRIES).i64(0).i64(0).i32(1).entryHeader(1, 1, 1, -5).i64(0).bytes();

    assertThatThrownBy(() -> CODEC.decode(negativeCount))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("entry count must be >= 0, was -1");
    assertThatThrownBy(() -> CODEC.decode(negativeLength))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("entry data length must be >= 0, was -5");
  }

  @Test
  void theErrorNamesTheOffsetOfTheBadField() {
    // header = 2 + (1 + 1) + (1 + 1) + 8 = 14 bytes; then prevLogIndex, prevLogTerm: count at 30.
    byte[] frame = Frames.header(APPEND_ENTRIES).i64(0).i64(0).i32(-1).i64(0).bytes();

    assertThatThrownBy(() -> CODEC.decode(frame))
        .isInstanceOfSatisfying(CodecException.class, e -> assertThat(e.offset()).isEqualTo(30))
        .hasMessageContaining("at offset 30");
  }

  @Test
  void emptyInputIsRejected() {
    assertThatThrownBy(() -> CODEC.decode(new byte[0]))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("truncated");
  }

  // --- header -----------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3, 5, 127, -1})
  void anUnknownVersionIsRejectedNamingBothVersions(int version) {
    byte[] frame = CODEC.encode(new RequestVote("a", "b", 1, 0, 0, false));
    frame[0] = (byte) version;

    assertThatThrownBy(() -> CODEC.decode(frame))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("version " + version)
        .hasMessageContaining("supports version " + MessageCodec.VERSION);
  }

  @Test
  void aVoteRequestThatIsBothAPreVoteAndATransferIsRejected() {
    byte[] frame = Frames.header(1).i64(0).i64(0).i8(1).i8(1).bytes();

    assertThatThrownBy(() -> CODEC.decode(frame))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("both a pre-vote and a transfer");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 12, 100, -1})
  void anUnknownMessageTypeIsRejected(int type) {
    byte[] frame = Frames.header(type).i64(0).i64(0).i8(0).bytes();

    assertThatThrownBy(() -> CODEC.decode(frame))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("unknown message type " + type);
  }

  @ParameterizedTest
  @ValueSource(strings = {"C328", "FF", "C080", "EDA080", "F4908080", "E282"})
  void invalidUtf8InANodeIdIsRejected(String hex) {
    byte[] bad = HexFormat.of().parseHex(hex);
    byte[] frame =
        new Frames().i8(MessageCodec.VERSION).i8(REQUEST_VOTE).i8(bad.length).raw(bad).id("b").i64(1)
            .i64(0).i64(0).i8(0).bytes();

    assertThatThrownBy(() -> CODEC.decode(frame))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("from is not valid UTF-8");
  }

  @Test
  void aNegativeTermIsRejected() {
    byte[] frame =
        new Frames().i8(MessageCodec.VERSION).i8(REQUEST_VOTE).id("a").id("b").i64(-1).i64(0).i64(0).i8(0).bytes();

    assertThatThrownBy(() -> CODEC.decode(frame))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("term must be >= 0, was -1");
  }

  // --- body -------------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(ints = {2, -1, 0x7F})
  void aBooleanOtherThanZeroOrOneIsRejected(int value) {
    byte[] frame = Frames.header(REQUEST_VOTE).i64(0).i64(0).i8(value).bytes();

    assertThatThrownBy(() -> CODEC.decode(frame))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("preVote must be a boolean 0 or 1, was " + value);
  }

  @ParameterizedTest
  @ValueSource(longs = {0, -1, Long.MIN_VALUE})
  void aHeartbeatTickBelowOneMicrosecondIsRejected(long tickMicros) {
    byte[] frame = Frames.header(HEARTBEAT).i64(0).i64(0).i64(tickMicros).i32(10).bytes();

    assertThatThrownBy(() -> CODEC.decode(frame))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("tickMicros must be >= 1, was " + tickMicros);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 0, -1, Integer.MIN_VALUE})
  void aHeartbeatElectionTimeoutBelowTwoTicksIsRejected(int ticks) {
    byte[] frame = Frames.header(HEARTBEAT).i64(0).i64(0).i64(50_000).i32(ticks).bytes();

    assertThatThrownBy(() -> CODEC.decode(frame))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("electionTimeoutTicks must be >= 2: " + ticks);
  }

  @Test
  void aVersionOneHeartbeatWithoutTimingIsRejectedByVersion() {
    // A node of the previous version sends heartbeats without the leader's timing; it is named as
    // such rather than misread.
    byte[] frame = new Frames().i8(1).i8(HEARTBEAT).id("a").id("b").i64(1).i64(0).i64(0).bytes();

    assertThatThrownBy(() -> CODEC.decode(frame))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("unsupported frame version 1");
  }

  @Test
  void aNegativeIndexIsRejected() {
    byte[] frame = Frames.header(REQUEST_VOTE).i64(-3).i64(0).i8(0).bytes();

    assertThatThrownBy(() -> CODEC.decode(frame))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("lastLogIndex must be >= 0, was -3");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 4, -1})
  void anUnknownEntryTypeCodeIsRejected(int code) {
    byte[] frame =
        Frames.header(APPEND_ENTRIES).i64(0).i64(0).i32(1).entryHeader(1, 1, code, 0).i64(0).bytes();

    assertThatThrownBy(() -> CODEC.decode(frame))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("unknown entry type code " + code);
  }

  @Test
  void anEntryTermOrIndexBelowOneIsRejected() {
    byte[] termZero =
        Frames.header(APPEND_ENTRIES).i64(0).i64(0).i32(1).entryHeader(0, 1, 1, 0).i64(0).bytes();
    byte[] indexZero =
        Frames.header(APPEND_ENTRIES).i64(0).i64(0).i32(1).entryHeader(1, 0, 1, 0).i64(0).bytes();

    assertThatThrownBy(() -> CODEC.decode(termZero))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("entry term must be >= 1, was 0");
    assertThatThrownBy(() -> CODEC.decode(indexZero))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("entry index must be >= 1, was 0");
  }

  @Test
  void aSnapshotConfigurationSetAfterTheSnapshotIsRejected() {
    // A follower builds a Snapshot from the chunk, which refuses such a configuration: let through
    // here, one bad frame would throw inside the engine instead of being dropped.
    byte[] config = MembershipCodec.encode(Membership.ofVoters(List.of("a", "b")).atIndex(41));
    byte[] frame = Frames.header(INSTALL_SNAPSHOT).i64(40).i64(1).i64(0).i32(0).i64(0).i32(0)
        .sized(config).bytes();

    assertThatThrownBy(() -> CODEC.decode(frame))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("configuration at 41 is past the snapshot's last index 40");
  }

  @Test
  void trailingBytesAfterACompleteMessageAreRejected() {
    byte[] frame = CODEC.encode(new RequestVote("a", "b", 1, 0, 0, false));
    byte[] longer = Arrays.copyOf(frame, frame.length + 1);

    assertThatThrownBy(() -> CODEC.decode(longer))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("1 trailing bytes after a complete RequestVote");
  }

  @Test
  void aFailedDecodeLeavesTheBufferPositionUnchanged() {
    ByteBuffer buffer = ByteBuffer.wrap(new byte[] {9, 9, 2, 1, 0});
    buffer.position(2);

    assertThatThrownBy(() -> CODEC.decode(buffer)).isInstanceOf(CodecException.class);
    assertThat(buffer.position()).isEqualTo(2);
  }

  // --- size limits and encode-side refusals -----------------------------------------------------

  @Test
  void encodingOverTheLimitIsRefused() {
    MessageCodec small = new MessageCodec(100);
    AppendEntries big =
        new AppendEntries("a", "b", 1, 0, 0, List.of(LogEntry.command(1, 1, new byte[100])), 0);

    assertThatThrownBy(() -> small.encode(big))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("over the limit of 100");
  }

  @Test
  void decodingOverTheLimitIsRejected() {
    AppendEntries big =
        new AppendEntries("a", "b", 1, 0, 0, List.of(LogEntry.command(1, 1, new byte[100])), 0);
    byte[] frame = CODEC.encode(big);

    assertThatThrownBy(() -> new MessageCodec(100).decode(frame))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("exceeds the limit of 100");
  }

  @Test
  void encodeRefusesWhatDecodeWouldReject() {
    String tooLong = "x".repeat(256);
    String loneSurrogate = "node-\uD83D";

    assertThatThrownBy(() -> CODEC.encode(new RequestVote(tooLong, "b", 1, 0, 0, false)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("256 UTF-8 bytes");
    assertThatThrownBy(() -> CODEC.encode(new RequestVote("a", loneSurrogate, 1, 0, 0, false)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not valid Unicode");
    assertThatThrownBy(() -> CODEC.encode(new RequestVote(null, "b", 1, 0, 0, false)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CODEC.encode(new RequestVote("a", "b", -1, 0, 0, false)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CODEC.encode(new RequestVote("a", "b", 1, -1, 0, false)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lastLogIndex");
  }

  @Test
  void aNodeIdOfExactly255BytesIsAccepted() {
    RequestVote vote = new RequestVote("é".repeat(127) + "x", "b", 1, 0, 0, true);

    assertThat(CODEC.decode(CODEC.encode(vote))).isEqualTo(vote);
  }

  @Test
  void aCodecNeedsAPositiveLimit() {
    assertThatThrownBy(() -> new MessageCodec(0)).isInstanceOf(IllegalArgumentException.class);
    assertThat(MessageCodec.DEFAULT.maxMessageBytes()).isEqualTo(16 * 1024 * 1024);
  }
}
