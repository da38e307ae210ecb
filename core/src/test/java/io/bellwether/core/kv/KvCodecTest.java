package io.bellwether.core.kv;

// Goal: every message survives encode/decode unchanged, and garbage fails with KvFormatException only.
// Method: round trips of edge-case messages, then truncations, flips and random bytes from a seed.

import static io.bellwether.core.kv.KvDriver.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bellwether.core.kv.KvQueryResult.GetResult;
import io.bellwether.core.kv.KvQueryResult.ScanResult;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class KvCodecTest {

  private static final String LONGEST_KEY = "é".repeat(KvLimits.MAX_KEY_BYTES / 2);

  private static final List<KvCommand> COMMANDS = List.of(
      KvCommand.put("a", utf8("1"), 0),
      new KvCommand.Put(LONGEST_KEY, new byte[300], Long.MAX_VALUE, "x".repeat(128), Long.MAX_VALUE),
      new KvCommand.Put("k\uD83D\uDE00", new byte[0], KvCommand.ABSENT, "idem-ü", 1_700_000_000_000L),
      KvCommand.delete("a", 5),
      new KvCommand.Delete("a/b", 42, "r", 7));

  @Test
  void commandsRoundTrip() {
    for (KvCommand command : COMMANDS) {
      assertThat(KvCommand.decode(command.encode())).isEqualTo(command);
    }
  }

  @Test
  void putEqualityComparesValueBytes() {
    KvCommand.Put a = KvCommand.put("k", utf8("v"), 1);
    KvCommand.Put b = KvCommand.put("k", utf8("v"), 1);
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a).isNotEqualTo(KvCommand.put("k", utf8("w"), 1));
    assertThat(a.toString()).contains("k", "1B");
  }

  @Test
  void resultsRoundTrip() {
    for (KvResult result : List.of(KvResult.written("a", 9), KvResult.removed("a", 10),
        KvResult.nothingRemoved("z"), KvResult.mismatch(LONGEST_KEY, 3), KvResult.invalid())) {
      assertThat(KvResult.decode(result.encode())).isEqualTo(result);
    }
  }

  @Test
  void queriesRoundTrip() {
    for (KvQuery query : List.of(new KvQuery.Get("a"), new KvQuery.Get(LONGEST_KEY),
        new KvQuery.Scan("", 1), new KvQuery.Scan("app/", KvLimits.MAX_SCAN_LIMIT),
        new KvQuery.Scan("app/", 7, "app/3"), new KvQuery.Scan("", 1, LONGEST_KEY), new KvQuery.StateHash())) {
      assertThat(KvQuery.decode(query.encode())).isEqualTo(query);
    }
  }

  @Test
  void aScanWithoutAfterEncodesAsBeforeAfterExistedAndAScanWithItTakesANewTag() {
    // The encoding of Scan("app/", 7) before 'after' was added: tag 0x12, the prefix, the limit.
    byte[] old = {1, 0x12, 4, 'a', 'p', 'p', '/', 7};
    byte[] without = new KvQuery.Scan("app/", 7).encode();
    byte[] with = new KvQuery.Scan("app/", 7, "app/3").encode();
    assertThat(without).isEqualTo(old);
    assertThat(KvQuery.decode(old)).isEqualTo(new KvQuery.Scan("app/", 7, null));
    assertThat(with[1]).isEqualTo((byte) 0x15);
    assertThat(with).hasSizeGreaterThan(without.length);
    assertThat(java.util.Arrays.copyOfRange(with, 0, without.length)).isNotEqualTo(without);
    assertTruncationsRejected(with, KvQuery::decode);
  }

  @Test
  void queryResultsRoundTrip() {
    List<KvQueryResult> results = List.of(
        GetResult.notFound(),
        new GetResult(true, utf8("value"), 12),
        new ScanResult(List.of(), false),
        new ScanResult(List.of(new KvEntry("a", 1, utf8("x")), new KvEntry("b", 2, new byte[0])), true),
        // A hash is any 64-bit value: negative ones too, and the extremes.
        new KvQueryResult.StateHashResult(0), new KvQueryResult.StateHashResult(-1),
        new KvQueryResult.StateHashResult(Long.MIN_VALUE), new KvQueryResult.StateHashResult(Long.MAX_VALUE));
    for (KvQueryResult result : results) {
      assertThat(KvQueryResult.decode(result.encode())).isEqualTo(result);
    }
  }

  @Test
  void unknownFormatVersionIsRejected() {
    byte[] bytes = KvCommand.delete("a", 1).encode();
    bytes[0] = 2;
    assertThatThrownBy(() -> KvCommand.decode(bytes))
        .isInstanceOf(KvFormatException.class)
        .hasMessageContaining("unknown format version 2");
  }

  @Test
  void forgedLengthIsRejectedBeforeAllocating() {
    // A put whose value claims 2^31-1 bytes but carries none.
    byte[] bytes = {1, 0x01, 0, 0, 0, 1, 'k', (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07};
    assertThatThrownBy(() -> KvCommand.decode(bytes))
        .isInstanceOf(KvFormatException.class)
        .hasMessageContaining("beyond end of input");
  }

  @Test
  void invalidUtf8KeyIsRejected() {
    byte[] bytes = {1, 0x02, 0, 0, 0, 1, (byte) 0xC3};
    assertThatThrownBy(() -> KvCommand.decode(bytes))
        .isInstanceOf(KvFormatException.class)
        .hasMessageContaining("not valid UTF-8");
  }

  @Test
  void emptyKeyIsRejected() {
    byte[] bytes = {1, 0x02, 0, 0, 0, 0};
    assertThatThrownBy(() -> KvCommand.decode(bytes))
        .isInstanceOf(KvFormatException.class)
        .hasMessageContaining("key is empty");
  }

  @Test
  void everyTruncationOfEveryMessageIsRejected() {
    for (KvCommand command : COMMANDS) assertTruncationsRejected(command.encode(), KvCommand::decode);
    assertTruncationsRejected(KvResult.mismatch("key", 3).encode(), KvResult::decode);
    assertTruncationsRejected(new KvQuery.Scan("p", 3).encode(), KvQuery::decode);
    assertTruncationsRejected(
        new ScanResult(List.of(new KvEntry("a", 1, utf8("x"))), false).encode(),
        KvQueryResult::decode);
  }

  private static void assertTruncationsRejected(byte[] bytes, Function<byte[], ?> decoder) {
    for (int length = 0; length < bytes.length; length++) {
      byte[] truncated = Arrays.copyOf(bytes, length);
      assertThatThrownBy(() -> decoder.apply(truncated)).isInstanceOf(KvFormatException.class);
    }
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
    assertThatThrownBy(() -> decoder.apply(longer)).hasMessageContaining("trailing");
  }

  @Test
  void garbageFailsOnlyWithTheTypedException() {
    long seed = Long.getLong("bellwether.kv.seed", System.nanoTime());
    System.out.println("kv seed=" + seed);
    Random random = new Random(seed);
    List<Function<byte[], ?>> decoders =
        List.of(KvCommand::decode, KvResult::decode, KvQuery::decode, KvQueryResult::decode);
    byte[] valid = COMMANDS.get(2).encode();
    KvStateMachine sm = new KvStateMachine();
    for (int i = 0; i < 5_000; i++) {
      byte[] garbage;
      if (random.nextBoolean()) {
        garbage = new byte[random.nextInt(40)];
        random.nextBytes(garbage);
        if (garbage.length > 0 && random.nextBoolean()) garbage[0] = 1;
      } else {
        garbage = valid.clone();
        garbage[random.nextInt(garbage.length)] ^= (byte) (1 << random.nextInt(8));
      }
      for (Function<byte[], ?> decoder : decoders) {
        try {
          decoder.apply(garbage);
        } catch (KvFormatException expected) {
          // The only acceptable failure.
        } catch (RuntimeException e) {
          throw new AssertionError("seed=" + seed + " input=" + Arrays.toString(garbage), e);
        }
      }
      // The state machine turns whatever it gets into a result, never an exception.
      byte[] result = sm.apply(i + 1, garbage);
      assertThat(LeaseResult.isLeaseResult(result) ? LeaseResult.decode(result) : KvResult.decode(result))
          .isNotNull();
    }
  }
}
