package io.bellwether.transport.vertx;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the PEM files of peer TLS with JDK classes only (the transport must not need BouncyCastle
 * at run time). Every failure is an {@link IllegalArgumentException} whose message names the file
 * and the setting that points to it, so a typo or a wrong file stops the node at start-up with a
 * message an operator can act on. Key material never appears in a message.
 */
final class PemReader {

  private static final Pattern BLOCK = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");

  /** Key algorithms a PKCS#8 key may use; tried in order, the first that parses wins. */
  private static final List<String> KEY_ALGORITHMS = List.of("EC", "RSA", "Ed25519", "Ed448");

  private PemReader() {}

  /**
   * Every {@code CERTIFICATE} block of {@code pem}, in order.
   *
   * @throws IllegalArgumentException naming {@code file} and {@code setting} when there is none or
   *     one does not decode
   */
  static List<X509Certificate> certificates(byte[] pem, String file, String setting) {
    List<X509Certificate> out = new ArrayList<>();
    CertificateFactory factory;
    try {
      factory = CertificateFactory.getInstance("X.509");
    } catch (CertificateException e) {
      throw new IllegalStateException("this JVM has no X.509 certificate factory", e);
    }
    for (Block b : blocks(pem, file, setting)) {
      if (!b.type.equals("CERTIFICATE")) continue;
      try {
        out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(b.der)));
      } catch (CertificateException | ClassCastException e) {
        throw bad(file, setting, "holds a certificate that does not decode (" + e.getMessage() + ")");
      }
    }
    if (out.isEmpty()) {
      throw bad(file, setting, "holds no PEM certificate (expected a '-----BEGIN CERTIFICATE-----' block)");
    }
    return out;
  }

  /**
   * The unencrypted PKCS#8 private key of {@code pem}.
   *
   * @throws IllegalArgumentException naming {@code file} and {@code setting} when there is no such
   *     key or it does not decode; the message never contains key material
   */
  static PrivateKey privateKey(byte[] pem, String file, String setting) {
    for (Block b : blocks(pem, file, setting)) {
      switch (b.type) {
        case "PRIVATE KEY" -> {
          return pkcs8(b.der, file, setting);
        }
        case "ENCRYPTED PRIVATE KEY" -> throw bad(file, setting,
            "holds an encrypted private key; the transport needs it unencrypted (PKCS#8) and readable only by the node's user");
        case "RSA PRIVATE KEY", "EC PRIVATE KEY" -> throw bad(file, setting,
            "holds a '" + b.type + "' (PKCS#1/SEC1); convert it to PKCS#8 ('-----BEGIN PRIVATE KEY-----'),"
                + " for example with: openssl pkcs8 -topk8 -nocrypt -in old.pem -out new.pem");
        default -> { }
      }
    }
    throw bad(file, setting, "holds no PEM private key (expected a '-----BEGIN PRIVATE KEY-----' block)");
  }

  private static PrivateKey pkcs8(byte[] der, String file, String setting) {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : KEY_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException | RuntimeException wrongAlgorithm) {
        // try the next one; which one fits is not written outside the DER
      }
    }
    throw bad(file, setting, "holds a private key that does not decode as PKCS#8 " + KEY_ALGORITHMS);
  }

  private record Block(String type, byte[] der) {}

  private static List<Block> blocks(byte[] pem, String file, String setting) {
    String text = new String(pem, StandardCharsets.US_ASCII);
    Matcher m = BLOCK.matcher(text);
    List<Block> out = new ArrayList<>();
    while (m.find()) {
      try {
        out.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
      } catch (IllegalArgumentException e) {
        throw bad(file, setting, "holds a '" + m.group(1) + "' block whose base64 is damaged");
      }
    }
    if (out.isEmpty()) throw bad(file, setting, "holds no PEM block (is it a PEM file?)");
    return out;
  }

  static IllegalArgumentException bad(String file, String setting, String problem) {
    return new IllegalArgumentException("file " + file + " (setting '" + setting + "') " + problem);
  }
}
