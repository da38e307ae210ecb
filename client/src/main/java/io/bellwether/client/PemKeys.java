package io.bellwether.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an unencrypted PEM private key with the JDK alone: PKCS#8 ({@code BEGIN PRIVATE KEY}), and the
 * traditional OpenSSL forms {@code BEGIN RSA PRIVATE KEY} (PKCS#1) and {@code BEGIN EC PRIVATE KEY}
 * (SEC 1), which are rewrapped as PKCS#8. Every failure names the file.
 */
final class PemKeys {

  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
  /** DER of AlgorithmIdentifier {rsaEncryption, NULL}. */
  private static final byte[] RSA_ALGORITHM = hex("300d06092a864886f70d0101010500");
  /** DER of OID id-ecPublicKey. */
  private static final byte[] EC_PUBLIC_KEY_OID = hex("06072a8648ce3d0201");

  private PemKeys() {}

  static PrivateKey read(Path file) throws IOException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IOException("cannot read PEM file " + file + ": " + e, e);
    }
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      String label = m.group(1);
      byte[] der;
      try {
        der = Base64.getMimeDecoder().decode(m.group(2));
      } catch (IllegalArgumentException e) {
        throw new IOException(file + " holds a PEM block that is not base64: " + e.getMessage(), e);
      }
      try {
        switch (label) {
          case "PRIVATE KEY":
            return pkcs8(der);
          case "RSA PRIVATE KEY":
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(wrap(RSA_ALGORITHM, der)));
          case "EC PRIVATE KEY":
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(ecToPkcs8(der)));
          case "ENCRYPTED PRIVATE KEY":
            throw new IOException(file + " holds an encrypted private key: give an unencrypted one");
          default:
            break; // e.g. EC PARAMETERS before the key
        }
      } catch (GeneralSecurityException | RuntimeException e) {
        throw new IOException(file + " holds a private key that cannot be decoded: " + e.getMessage(), e);
      }
    }
    throw new IOException(file + " holds no unencrypted PEM private key (expected '-----BEGIN PRIVATE KEY-----')");
  }

  private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
    GeneralSecurityException last = null;
    for (String algorithm : new String[] {"EC", "RSA", "Ed25519", "Ed448", "RSASSA-PSS"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        last = e;
      }
    }
    throw last;
  }

  /** PKCS#8 PrivateKeyInfo {version 0, algorithm, OCTET STRING key}. */
  private static byte[] wrap(byte[] algorithm, byte[] key) {
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    content.writeBytes(new byte[] {0x02, 0x01, 0x00});
    content.writeBytes(algorithm);
    content.writeBytes(tlv(0x04, key));
    return tlv(0x30, content.toByteArray());
  }

  /**
   * SEC 1 ECPrivateKey {version, OCTET STRING, [0] curve OID, [1] public key}: PKCS#8 needs the curve
   * in the algorithm identifier, so it is copied from the [0] field (OpenSSL always writes it).
   */
  private static byte[] ecToPkcs8(byte[] sec1) throws GeneralSecurityException {
    int[] seq = header(sec1, 0, 0x30);
    int p = seq[0];
    int end = seq[0] + seq[1];
    while (p < end) {
      int tag = sec1[p] & 0xff;
      int[] h = header(sec1, p, tag);
      if (tag == 0xa0) {
        byte[] curve = java.util.Arrays.copyOfRange(sec1, h[0], h[0] + h[1]);
        ByteArrayOutputStream alg = new ByteArrayOutputStream();
        alg.writeBytes(EC_PUBLIC_KEY_OID);
        alg.writeBytes(curve);
        return wrap(tlv(0x30, alg.toByteArray()), sec1);
      }
      p = h[0] + h[1];
    }
    throw new GeneralSecurityException("an EC private key without its curve (no [0] parameters)");
  }

  /** {start of content, content length} of the DER element at {@code p}, checking its tag. */
  private static int[] header(byte[] der, int p, int expectedTag) throws GeneralSecurityException {
    if (p + 2 > der.length || (der[p] & 0xff) != expectedTag) throw new GeneralSecurityException("malformed DER");
    int len = der[p + 1] & 0xff;
    int q = p + 2;
    if (len >= 0x80) {
      int n = len & 0x7f;
      if (n < 1 || n > 3 || q + n > der.length) throw new GeneralSecurityException("malformed DER length");
      len = 0;
      for (int i = 0; i < n; i++) len = (len << 8) | (der[q++] & 0xff);
    }
    if (q + len > der.length) throw new GeneralSecurityException("truncated DER");
    return new int[] {q, len};
  }

  private static byte[] tlv(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int n = content.length;
    if (n < 0x80) {
      out.write(n);
    } else if (n < 0x100) {
      out.write(0x81);
      out.write(n);
    } else if (n < 0x10000) {
      out.write(0x82);
      out.write(n >> 8);
      out.write(n);
    } else {
      out.write(0x83);
      out.write(n >> 16);
      out.write(n >> 8);
      out.write(n);
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  private static byte[] hex(String s) {
    byte[] b = new byte[s.length() / 2];
    for (int i = 0; i < b.length; i++) b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
    return b;
  }
}
