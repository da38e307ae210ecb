package io.bellwether.storage.mapdb.kv;

/**
 * Combining CRC32Cs: the CRC32C of {@code a || b} from the CRC32Cs of {@code a} and {@code b} and the
 * length of {@code b}, without reading either. A snapshot sent to a follower is the manifest followed
 * by every layer file; each file's CRC32C was computed when it was written, so the whole stream's CRC,
 * which InstallSnapshot announces up front, costs a few matrix products per file instead of a pass
 * over the data on the node thread.
 *
 * <p>The method is the usual one for CRCs of this family (as in zlib's {@code crc32_combine}):
 * appending {@code len} zero bytes to a message is a linear operator on its CRC register, applied by
 * repeated squaring of the one-zero-bit operator in GF(2).
 */
final class Crc32c {

  /** The Castagnoli polynomial, bit-reversed (CRC32C is computed least significant bit first). */
  private static final long POLYNOMIAL = 0x82F63B78L;

  private Crc32c() {}

  static int combine(int crcA, int crcB, long lengthB) {
    if (lengthB <= 0) return crcA;
    long[] even = new long[32];
    long[] odd = new long[32];
    odd[0] = POLYNOMIAL; // the operator for one zero bit
    long row = 1;
    for (int n = 1; n < 32; n++) {
      odd[n] = row;
      row <<= 1;
    }
    square(even, odd); // two zero bits
    square(odd, even); // four zero bits
    long crc = crcA & 0xFFFFFFFFL;
    long len = lengthB;
    do {
      square(even, odd); // first pass: one zero byte
      if ((len & 1) != 0) crc = times(even, crc);
      len >>>= 1;
      if (len == 0) break;
      square(odd, even);
      if ((len & 1) != 0) crc = times(odd, crc);
      len >>>= 1;
    } while (len != 0);
    return (int) (crc ^ (crcB & 0xFFFFFFFFL));
  }

  private static long times(long[] matrix, long vector) {
    long sum = 0;
    for (int i = 0; vector != 0; i++, vector >>>= 1) {
      if ((vector & 1) != 0) sum ^= matrix[i];
    }
    return sum;
  }

  private static void square(long[] square, long[] matrix) {
    for (int n = 0; n < 32; n++) square[n] = times(matrix, matrix[n]);
  }
}
