package io.bellwether.storage.mapdb.kv;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

// Goal: prove combining two CRC32Cs gives the CRC32C of the concatenation, for any lengths (a wrong
// combination would make every follower refuse the on-disk state's snapshots).
class Crc32cTest {

  @Test
  void combiningEqualsComputingOverTheConcatenation() {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    for (int round = 0; round < 200; round++) {
      byte[] a = new byte[random.nextInt(3000)];
      byte[] b = new byte[round == 0 ? 0 : random.nextInt(round < 100 ? 50 : 70_000)];
      random.nextBytes(a);
      random.nextBytes(b);
      CRC32C whole = new CRC32C();
      whole.update(a);
      whole.update(b);
      assertThat(Crc32c.combine(crc(a), crc(b), b.length))
          .as("round %d, |a|=%d |b|=%d, seed %d", round, a.length, b.length, seed)
          .isEqualTo((int) whole.getValue());
    }
  }

  private static int crc(byte[] bytes) {
    CRC32C c = new CRC32C();
    c.update(bytes);
    return (int) c.getValue();
  }
}
