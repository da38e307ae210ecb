package io.bellwether.pki;

import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * A certificate and its private key, as a node or client presents them.
 *
 * @param certificate signed by a {@link CertificateAuthority}
 * @param privateKey the key that goes with it; never log it
 */
public record IssuedCertificate(X509Certificate certificate, PrivateKey privateKey) {

  public IssuedCertificate {
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(privateKey, "privateKey");
  }

  /**
   * Writes the certificate and the key as PEM (the key as unencrypted PKCS#8, readable by its owner
   * only where the file system supports POSIX permissions). Each file is written to a temporary
   * sibling and moved into place, so a reader never sees half a file.
   *
   * @throws IOException if either file cannot be written
   */
  public void writeTo(Path certificatePem, Path keyPem) throws IOException {
    PemFiles.writeCertificate(certificatePem, certificate);
    PemFiles.writePrivateKey(keyPem, privateKey);
  }
}
