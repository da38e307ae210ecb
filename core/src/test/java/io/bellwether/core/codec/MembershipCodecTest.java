package io.bellwether.core.codec;

// Goal: a configuration survives encode then decode exactly, with one encoding per configuration, and
// bytes that are not one this version wrote (cut, padded, damaged, hand-made) raise CodecException,
// never another throwable or a configuration other than the one written.
// Method: fixed configurations for the shapes that matter (empty, voters only, learners with and without
// addresses, multilingual and 255-byte ids), seeded random ones, and hand-built bytes (Frames) for each rule.

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bellwether.core.Member;
import io.bellwether.core.Membership;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.ValueSource;

class MembershipCodecTest {

  private static long seed;

  /** A configuration and a name for it, so parameterized tests read well. */
  record Example(String name, Membership membership) {
    @Override
    public String toString() {
      return name;
    }
  }

  static final List<Example> examples = List.of(
      new Example("empty", Membership.EMPTY),
      new Example("voters only", Membership.ofVoters(List.of("n3", "n1", "n2"))),
      new Example("voters and learners with addresses", new Membership(42, List.of(
          new Member("n1", true, "10.0.0.1:7000", "10.0.0.1:8080"),
          new Member("n2", true, "10.0.0.2:7000", null),
          Member.learner("n4", "10.0.0.4:7000", "10.0.0.4:8080"),
          new Member("n5", false, null, "n5.example:8080")))),
      new Example("unicode ids and addresses", new Membership(Long.MAX_VALUE, List.of(
          Member.voter("nœud-1"),
          Member.learner("节点-2", "[::1]:7000", null),
          new Member("\uD83D\uDC11", true, "hôte.example:1", "ホスト.example:2"),
          Member.voter("é".repeat(127) + "x"))))); // 255 bytes: the most an id may take

  @BeforeAll
  static void pickSeed() {
    seed = CodecSeed.forClass(MembershipCodecTest.class);
  }

  // --- round trips ------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @FieldSource("examples")
  void decodeOfEncodeIsTheSameConfiguration(Example example) {
    Membership decoded = MembershipCodec.decode(MembershipCodec.encode(example.membership()));

    assertThat(decoded).isEqualTo(example.membership());
    assertThat(decoded.members()).containsExactlyElementsOf(example.membership().members());
    assertThat(decoded.voters()).isEqualTo(example.membership().voters());
    assertThat(decoded.learners()).isEqualTo(example.membership().learners());
  }

  @Test
  void theEmptyConfigurationIsItsHeaderAlone() {
    byte[] bytes = MembershipCodec.encode(Membership.EMPTY);

    assertThat(bytes).isEqualTo(new Frames().i8(1).i64(0).i32(0).bytes());
    assertThat(MembershipCodec.decode(bytes)).isEqualTo(Membership.EMPTY);
  }

  @Test
  void theLayoutIsTheDocumentedOne() {
    Membership one = new Membership(9, List.of(Member.learner("b", "p:1", null), Member.voter("a")));
    byte[] expected = new Frames().i8(1).i64(9).i32(2)
        .id("a").id("").id("").i8(1)
        .id("b").id("p:1").id("").i8(0)
        .bytes();

    assertThat(MembershipCodec.encode(one)).isEqualTo(expected);
  }

  @Test
  void randomConfigurationsRoundTripToTheSameBytes() {
    Random r = new Random(seed);
    for (int i = 0; i < 2_000; i++) {
      Membership membership = RandomMessages.membership(r, RandomMessages.index(r));
      byte[] bytes = MembershipCodec.encode(membership);
      String replay = CodecSeed.replay(seed, i) + " " + membership;

      assertThat(MembershipCodec.decode(bytes)).as(replay).isEqualTo(membership);
      assertThat(MembershipCodec.encode(MembershipCodec.decode(bytes))).as(replay).isEqualTo(bytes);
    }
  }

  // --- damaged bytes ----------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @FieldSource("examples")
  void everyTruncationIsRejected(Example example) {
    byte[] bytes = MembershipCodec.encode(example.membership());
    for (int length = 0; length < bytes.length; length++) {
      byte[] cut = Arrays.copyOf(bytes, length);
      assertThatThrownBy(() -> MembershipCodec.decode(cut))
          .as("%s cut to %d of %d bytes", example, length, bytes.length)
          .isInstanceOf(CodecException.class);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 2, 127, -1})
  void anUnknownFormatByteIsRejected(int format) {
    byte[] bytes = MembershipCodec.encode(examples.get(2).membership());
    bytes[0] = (byte) format;

    assertThatThrownBy(() -> MembershipCodec.decode(bytes))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("unknown configuration format " + format);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 4, 40})
  void trailingBytesAreRejected(int extra) {
    byte[] bytes = MembershipCodec.encode(examples.get(2).membership());
    byte[] longer = Arrays.copyOf(bytes, bytes.length + extra);

    assertThatThrownBy(() -> MembershipCodec.decode(longer))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining(extra + " bytes after the configuration");
  }

  @Test
  void aRepeatedIdIsRejected() {
    byte[] bytes = new Frames().i8(1).i64(0).i32(2)
        .id("n1").id("").id("").i8(1)
        .id("n1").id("p:1").id("").i8(0)
        .bytes();

    assertThatThrownBy(() -> MembershipCodec.decode(bytes))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("member n1 appears twice");
  }

  @Test
  void idsOutOfOrderAreRejected() {
    // Sorted, these are a valid configuration; the encoder never writes them this way, and a decoder
    // that sorted them would accept damage to an id that reorders the members.
    byte[] bytes = new Frames().i8(1).i64(0).i32(2)
        .id("n2").id("").id("").i8(1)
        .id("n1").id("").id("").i8(1)
        .bytes();

    assertThatThrownBy(() -> MembershipCodec.decode(bytes))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("members out of order: n1 after n2");
  }

  @ParameterizedTest
  @ValueSource(ints = {2, -1, 0x7F})
  void aVoterFlagOtherThanZeroOrOneIsRejected(int flag) {
    byte[] bytes = new Frames().i8(1).i64(0).i32(1).id("n1").id("").id("").i8(flag).bytes();

    assertThatThrownBy(() -> MembershipCodec.decode(bytes))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("voter must be a boolean 0 or 1, was " + flag);
  }

  @Test
  void aNegativeIndexIsRejected() {
    byte[] bytes = new Frames().i8(1).i64(-1).i32(0).bytes();

    assertThatThrownBy(() -> MembershipCodec.decode(bytes))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("configuration index must be >= 0, was -1");
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.SECONDS)
  void aHugeMemberCountFailsFastWithoutAllocating() {
    byte[] bytes = new Frames().i8(1).i64(0).i32(Integer.MAX_VALUE).bytes();

    assertThatThrownBy(() -> MembershipCodec.decode(bytes))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("member count " + Integer.MAX_VALUE);
  }

  @Test
  void textAMemberCannotHaveIsRejectedAsCorruption() {
    byte[] emptyId = new Frames().i8(1).i64(0).i32(1).id("").id("").id("").i8(1).bytes();
    byte[] spaceInAddress = new Frames().i8(1).i64(0).i32(1).id("n1").id("a b:1").id("").i8(1).bytes();
    byte[] notUtf8 = new Frames().i8(1).i64(0).i32(1).i8(2).raw((byte) 0xC3, (byte) 0x28)
        .id("").id("").i8(1).bytes();

    assertThatThrownBy(() -> MembershipCodec.decode(emptyId))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("member id must not be empty");
    assertThatThrownBy(() -> MembershipCodec.decode(spaceInAddress))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("peer address contains a space");
    assertThatThrownBy(() -> MembershipCodec.decode(notUtf8))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("member id is not valid UTF-8");
  }

  @Test
  void damagedBytesOnlyEverDecodeToTheirOwnEncodingOrRaiseCodecException() {
    Random r = new Random(seed);
    for (int i = 0; i < 20_000; i++) {
      byte[] bytes = MembershipCodec.encode(RandomMessages.membership(r, RandomMessages.index(r)));
      for (int m = 1 + r.nextInt(3); m > 0; m--) {
        int at = r.nextInt(bytes.length);
        // Lengths, counts and the order of ids are where a decoder goes wrong: aim at them too.
        bytes[at] = r.nextBoolean() ? (byte) r.nextInt(256) : (byte) (bytes[at] + (r.nextBoolean() ? 1 : -1));
      }
      Membership decoded;
      try {
        decoded = MembershipCodec.decode(bytes);
      } catch (CodecException expected) {
        continue;
      } catch (Throwable t) {
        throw new AssertionError(CodecSeed.replay(seed, i) + ": " + t + " decoding " + Arrays.toString(bytes), t);
      }
      // Whatever decodes is exactly what the bytes say: no reordering, no dropped or merged member.
      assertThat(MembershipCodec.encode(decoded)).as(CodecSeed.replay(seed, i)).isEqualTo(bytes);
    }
  }
}
