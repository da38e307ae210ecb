package io.bellwether.pki;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/** Reading and writing the PEM files of this package. Every failure names the file. */
public final class PemFiles {

  private PemFiles() {}

  /** Writes {@code certificate} as one PEM block, world-readable (a certificate is public). */
  public static void writeCertificate(Path file, X509Certificate certificate) throws IOException {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
      pem.writeObject(certificate);
    }
    write(file, text.toString(), false);
  }

  /** Writes {@code key} as unencrypted PKCS#8 PEM, readable by the owner only. */
  public static void writePrivateKey(Path file, PrivateKey key) throws IOException {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
      pem.writeObject(new JcaPKCS8Generator(key, null));
    }
    write(file, text.toString(), true);
  }

  /**
   * Reads the first certificate of a PEM file.
   *
   * @throws IOException naming the file when it cannot be read or holds no valid certificate
   */
  public static X509Certificate readCertificate(Path file) throws IOException {
    Object first = readFirst(file);
    if (!(first instanceof X509CertificateHolder holder)) {
      throw new IOException(file + " holds no PEM certificate (expected a '-----BEGIN CERTIFICATE-----' block)");
    }
    try {
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (CertificateException e) {
      throw new IOException(file + " holds a certificate that cannot be decoded: " + e.getMessage(), e);
    }
  }

  /**
   * Reads a private key (PKCS#8, or the traditional EC/RSA form) from a PEM file.
   *
   * @throws IOException naming the file when it cannot be read or holds no private key
   */
  public static PrivateKey readPrivateKey(Path file) throws IOException {
    Object first = readFirst(file);
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    try {
      if (first instanceof PrivateKeyInfo info) return converter.getPrivateKey(info);
      if (first instanceof PEMKeyPair pair) return converter.getKeyPair(pair).getPrivate();
    } catch (IOException e) {
      throw new IOException(file + " holds a private key that cannot be decoded: " + e.getMessage(), e);
    }
    throw new IOException(file + " holds no unencrypted PEM private key (expected '-----BEGIN PRIVATE KEY-----')");
  }

  private static Object readFirst(Path file) throws IOException {
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser parser = new PEMParser(reader)) {
      Object first = parser.readObject();
      if (first == null) throw new IOException(file + " holds no PEM block");
      return first;
    } catch (IOException e) {
      if (e.getMessage() != null && e.getMessage().startsWith(file.toString())) throw e;
      throw new IOException("cannot read PEM file " + file + ": " + e.getMessage(), e);
    } catch (RuntimeException e) { // BouncyCastle reports some malformed encodings unchecked
      throw new IOException("cannot read PEM file " + file + ": " + e, e);
    }
  }

  private static void write(Path file, String text, boolean secret) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
    try {
      if (secret && FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } else if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
      }
      Files.writeString(tmp, text, StandardCharsets.US_ASCII);
      try {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
