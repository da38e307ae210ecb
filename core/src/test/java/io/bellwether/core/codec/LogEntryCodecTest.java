package io.bellwether.core.codec;

// Goal: stored entry records round-trip, and any corruption (bit flip, truncation, bad content) raises CodecException.
// Method: seeded random entries and byte-level damage; hand-built records with a valid CRC32C for content errors.

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bellwether.core.EntryType;
import io.bellwether.core.LogEntry;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class LogEntryCodecTest {

  private static long seed;

  @BeforeAll
  static void pickSeed() {
    seed = CodecSeed.forClass(LogEntryCodecTest.class);
  }

  @Test
  void decodeOfEncodeIsTheSameEntry() {
    Random r = new Random(seed);
    for (int i = 0; i < 2_000; i++) {
      LogEntry entry = RandomMessages.logEntry(r);
      byte[] record = LogEntryCodec.encode(entry);
      String replay = CodecSeed.replay(seed, i) + " " + entry;

      assertThat(record).as(replay).hasSize((int) LogEntryCodec.encodedSize(entry));
      assertThat(LogEntryCodec.decode(record)).as(replay).isEqualTo(entry);
    }
  }

  @Test
  void everySingleBitFlipIsAChecksumMismatchNamingTheIndex() {
    byte[] record = LogEntryCodec.encode(LogEntry.command(3, 42, new byte[] {10, 20, 30}));
    for (int bit = 0; bit < record.length * 8; bit++) {
      byte[] flipped = record.clone();
      flipped[bit / 8] ^= (byte) (1 << (bit % 8));
      boolean indexIntact = bit / 8 < 8 || bit / 8 >= 16; // bytes 8..15 hold the index itself

      var thrown = assertThatThrownBy(() -> LogEntryCodec.decode(flipped))
          .as("bit %d", bit)
          .isInstanceOf(CodecException.class)
          .hasMessageContaining("checksum mismatch");
      if (indexIntact) thrown.hasMessageContaining("entry index 42");
    }
  }

  @Test
  void everyTruncationIsRejected() {
    byte[] record = LogEntryCodec.encode(LogEntry.command(3, 42, new byte[] {10, 20, 30}));
    for (int length = 0; length < record.length; length++) {
      byte[] cut = Arrays.copyOf(record, length);
      assertThatThrownBy(() -> LogEntryCodec.decode(cut))
          .as("cut to %d bytes", length)
          .isInstanceOf(CodecException.class);
    }
  }

  @Test
  void randomGarbageOnlyEverDecodesOrRaisesCodecException() {
    Random r = new Random(seed);
    for (int i = 0; i < 20_000; i++) {
      byte[] garbage = new byte[r.nextInt(60)];
      r.nextBytes(garbage);
      if (garbage.length >= LogEntryCodec.MIN_RECORD_BYTES && r.nextBoolean()) {
        garbage = withChecksum(Arrays.copyOf(garbage, garbage.length - 4)); // get past the CRC
      }
      try {
        LogEntry entry = LogEntryCodec.decode(garbage);
        assertThat(LogEntryCodec.encode(entry)).as(CodecSeed.replay(seed, i)).isEqualTo(garbage);
      } catch (CodecException expected) {
        // the other acceptable outcome
      } catch (RuntimeException | Error e) {
        throw new AssertionError(CodecSeed.replay(seed, i) + ": " + e, e);
      }
    }
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.SECONDS)
  void aHugeDataLengthWithAValidChecksumFailsFast() {
    byte[] record = withChecksum(new Frames().entryHeader(1, 7, 1, Integer.MAX_VALUE).bytes());

    assertThatThrownBy(() -> LogEntryCodec.decode(record))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("entry data length " + Integer.MAX_VALUE + " exceeds");
  }

  @Test
  void badContentWithAValidChecksumIsRejected() {
    byte[] unknownType = withChecksum(new Frames().entryHeader(1, 7, 9, 0).bytes());
    byte[] termZero = withChecksum(new Frames().entryHeader(0, 7, 1, 0).bytes());
    byte[] trailing = withChecksum(new Frames().entryHeader(1, 7, 1, 0).i8(0).bytes());

    assertThatThrownBy(() -> LogEntryCodec.decode(unknownType))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("unknown entry type code 9");
    assertThatThrownBy(() -> LogEntryCodec.decode(termZero))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("entry term must be >= 1");
    assertThatThrownBy(() -> LogEntryCodec.decode(trailing))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("1 trailing bytes after entry 7");
  }

  @Test
  void theLayoutIsTheEntryFollowedByItsCrc32c() {
    LogEntry entry = new LogEntry(5, 6, EntryType.NOOP, new byte[] {1});
    byte[] expected = withChecksum(new Frames().entryHeader(5, 6, 2, 1).i8(1).bytes());

    assertThat(LogEntryCodec.encode(entry)).isEqualTo(expected);
  }

  private static byte[] withChecksum(byte[] body) {
    CRC32C crc = new CRC32C();
    crc.update(body);
    return ByteBuffer.allocate(body.length + 4).put(body).putInt((int) crc.getValue()).array();
  }
}
