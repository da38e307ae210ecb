package io.bellwether.core.codec;

// Goal: every valid message of every type survives encode then decode unchanged, and the encoding is canonical.
// Method: 2,000 seeded random messages per type (RandomMessages); the seed is printed and in every failure message.

import static org.assertj.core.api.Assertions.assertThat;

import io.bellwether.core.Member;
import io.bellwether.core.Membership;
import io.bellwether.core.message.Heartbeat;
import io.bellwether.core.message.HeartbeatResponse;
import io.bellwether.core.message.InstallSnapshot;
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
  void installSnapshotKeepsItsConfigurationOrItsLackOfOne() {
    Random r = new Random(seed);
    int with = 0;
    int without = 0;
    for (int i = 0; i < CASES_PER_TYPE; i++) {
      InstallSnapshot sent = RandomMessages.installSnapshot(r);
      InstallSnapshot received = (InstallSnapshot) CODEC.decode(CODEC.encode(sent));
      String replay = CodecSeed.replay(seed, i) + " " + sent;

      // A missing configuration stays missing (the receiver then keeps its bootstrap one); a present
      // one, even without members, arrives whole.
      assertThat(received.membership()).as(replay).isEqualTo(sent.membership());
      if (sent.membership() == null) without++;
      else with++;
    }
    assertThat(with).as("codec seed=" + seed + ": chunks with a configuration").isPositive();
    assertThat(without).as("codec seed=" + seed + ": chunks without one").isPositive();
  }

  @Test
  void installSnapshotCarriesItsConfigurationAfterTheChunkLengthPrefixed() {
    Membership membership = new Membership(40, List.of(Member.voter("a"), Member.learner("c", "c:7000", null)));
    byte[] data = {5, 6};
    byte[] withConfig = chunkOf(data).sized(MembershipCodec.encode(membership)).bytes();
    byte[] withoutConfig = chunkOf(data).i32(0).bytes();
    byte[] withEmptyConfig = chunkOf(data).sized(MembershipCodec.encode(Membership.EMPTY)).bytes();

    assertThat(CODEC.encode(new InstallSnapshot("a", "b", 1, 40, 3, 2, 77, 0, data, membership)))
        .isEqualTo(withConfig);
    assertThat(((InstallSnapshot) CODEC.decode(withConfig)).membership()).isEqualTo(membership);
    assertThat(CODEC.encode(new InstallSnapshot("a", "b", 1, 40, 3, 2, 77, 0, data))).isEqualTo(withoutConfig);
    assertThat(((InstallSnapshot) CODEC.decode(withoutConfig)).membership()).isNull();
    // No members is a configuration (a node waiting to join), not the absence of one.
    assertThat(((InstallSnapshot) CODEC.decode(withEmptyConfig)).membership()).isEqualTo(Membership.EMPTY);
  }

  /** An InstallSnapshot frame up to its chunk: last index 40, term 3, 2 bytes, checksum 77, offset 0. */
  private static Frames chunkOf(byte[] data) {
    return Frames.header(9).i64(40).i64(3).i64(2).i32(77).i64(0).sized(data);
  }

  @Test
  void aMessageExactlyAtTheLimitEncodesAndDecodes() {
    Message message = RandomMessages.requestVote(new Random(seed));
    int size = CODEC.encode(message).length;
    MessageCodec tight = new MessageCodec(size);

    assertThat(tight.decode(tight.encode(message))).as("codec seed=" + seed).isEqualTo(message);
  }
}
