package io.bellwether.core.codec;

// Goal: every valid message of every type survives encode then decode unchanged, and the encoding is canonical.
// Method: 2,000 seeded random messages per type (RandomMessages); the seed is printed and in every failure message.

import static org.assertj.core.api.Assertions.assertThat;

import io.bellwether.core.message.Heartbeat;
import io.bellwether.core.message.HeartbeatResponse;
import io.bellwether.core.message.Message;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class MessageCodecRoundTripTest {

  private static final int CASES_PER_TYPE = 2_000;
  private static final MessageCodec CODEC = MessageCodec.DEFAULT;
  private static long seed;

  static final List<RandomMessages.Generator> generators = RandomMessages.GENERATORS;

  @BeforeAll
  static void pickSeed() {
    seed = CodecSeed.forClass(MessageCodecRoundTripTest.class);
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("generators")
  void decodeOfEncodeIsTheSameMessage(RandomMessages.Generator generator) {
    Random r = new Random(seed + generator.name().hashCode());
    for (int i = 0; i < CASES_PER_TYPE; i++) {
      Message message = generator.next(r);
      byte[] frame = CODEC.encode(message);
      String replay = CodecSeed.replay(seed, i) + " " + generator + " " + message;

      assertThat(frame[0]).as(replay).isEqualTo(MessageCodec.VERSION);
      assertThat(CODEC.decode(frame)).as(replay).isEqualTo(message);
      assertThat(CODEC.encode(CODEC.decode(frame))).as(replay).isEqualTo(frame);
    }
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("generators")
  void decodesFromTheMiddleOfALargerBuffer(RandomMessages.Generator generator) {
    Random r = new Random(seed - generator.name().hashCode());
    for (int i = 0; i < CASES_PER_TYPE / 10; i++) {
      Message message = generator.next(r);
      byte[] frame = CODEC.encode(message);
      int before = r.nextInt(16);
      byte[] padded = new byte[before + frame.length + 16];
      r.nextBytes(padded);
      System.arraycopy(frame, 0, padded, before, frame.length);
      // Random bytes on both sides: the codec must read only between position and limit.
      ByteBuffer buffer = ByteBuffer.wrap(padded).position(before).limit(before + frame.length);
      String replay = CodecSeed.replay(seed, i) + " " + generator + " " + message;

      assertThat(CODEC.decode(buffer)).as(replay).isEqualTo(message);
      assertThat(buffer.position()).as(replay).isEqualTo(before + frame.length);
    }
  }

  @Test
  void anyGeneratesEveryTypeAndRoundTrips() {
    Random r = new Random(seed);
    boolean[] seen = new boolean[RandomMessages.GENERATORS.size() + 1];
    for (int i = 0; i < CASES_PER_TYPE; i++) {
      Message message = RandomMessages.any(r);
      byte[] frame = CODEC.encode(message);
      seen[frame[1]] = true;
      assertThat(CODEC.decode(frame)).as(CodecSeed.replay(seed, i)).isEqualTo(message);
    }
    assertThat(Arrays.copyOfRange(seen, 1, seen.length)).as("codec seed=" + seed).containsOnly(true);
  }

  @Test
  void heartbeatsCarryTheLeadersTimingAndAnswersWhetherThePromiseCoversTheLease() {
    // The lease depends on per-node settings: a heartbeat carries the leader's tick and election
    // timeout after commitIndex and readSeq, and its answer a boolean after lastIndex.
    Heartbeat heartbeat = new Heartbeat("a", "b", 1, 7, -3, 25_000, 12);
    byte[] heartbeatFrame = Frames.header(5).i64(7).i64(-3).i64(25_000).i32(12).bytes();
    HeartbeatResponse answer = new HeartbeatResponse("a", "b", 1, -3, 9, false);
    byte[] answerFrame = Frames.header(6).i64(-3).i64(9).i8(0).bytes();

    assertThat(CODEC.encode(heartbeat)).isEqualTo(heartbeatFrame);
    assertThat(CODEC.decode(heartbeatFrame)).isEqualTo(heartbeat);
    assertThat(CODEC.encode(answer)).isEqualTo(answerFrame);
    assertThat(CODEC.decode(answerFrame)).isEqualTo(answer);
    HeartbeatResponse covered = new HeartbeatResponse("a", "b", 1, -3, 9, true);
    assertThat(CODEC.decode(CODEC.encode(covered))).isEqualTo(covered);
  }

  @Test
  void aMessageExactlyAtTheLimitEncodesAndDecodes() {
    Message message = RandomMessages.requestVote(new Random(seed));
    int size = CODEC.encode(message).length;
    MessageCodec tight = new MessageCodec(size);

    assertThat(tight.decode(tight.encode(message))).as("codec seed=" + seed).isEqualTo(message);
  }
}
