package io.bellwether.transport.vertx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bellwether.core.discovery.StaticDiscovery;
import io.bellwether.core.spi.Endpoint;
import io.bellwether.core.spi.NodeContext;
import io.bellwether.core.spi.PeerAddress;
import io.bellwether.core.spi.Settings;
import io.bellwether.pki.PemFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// Goal: a node whose peer TLS files are missing, malformed or do not fit it stops at construction
// (start-up) with a message naming the file and the setting, instead of failing every handshake later.
// Method: build VertxTransport (which reads and checks the files) for n1 with one thing wrong at a time.
class PeerTlsConfigTest {

  private static final StaticDiscovery DISCOVERY = new StaticDiscovery(Map.of(
      "n1", new PeerAddress("n1", new Endpoint("127.0.0.1", 7001), null)));

  @TempDir Path dir;
  private TlsFiles pki;
  private Map<String, String> good;

  @BeforeEach
  void files() {
    pki = new TlsFiles(dir, "cluster-ca");
    good = pki.settingsFor("n1");
  }

  private static VertxTransport build(Map<String, String> settings) {
    return new VertxTransport(new NodeContext("c", "n1", null, Settings.of(settings)), DISCOVERY);
  }

  private static String cert(Map<String, String> s) {
    return s.get(VertxTransportConfig.TLS_CERT);
  }

  private static String key(Map<String, String> s) {
    return s.get(VertxTransportConfig.TLS_KEY);
  }

  @Test
  void validFilesTurnTlsOnAndNoSettingsLeaveItOff() {
    VertxTransport tls = build(good);
    assertThat(tls.tlsEnabled()).isTrue();
    assertThat(tls.config().tls().reloadInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(build(Map.of()).tlsEnabled()).isFalse();
  }

  @Test
  void someSettingsWithoutTheOthersNameTheMissingOnes() {
    assertThatThrownBy(() -> build(Map.of(VertxTransportConfig.TLS_CERT, cert(good))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("missing: [transport.tls.key, transport.tls.ca]");
  }

  @Test
  void negativeReloadIntervalNamesTheSetting() {
    Map<String, String> s = new HashMap<>(good);
    s.put(VertxTransportConfig.TLS_RELOAD_INTERVAL, "-1s");
    assertThatThrownBy(() -> build(s)).hasMessageContaining("transport.tls.reload.interval");
  }

  @Test
  void missingFileNamesFileAndSetting() {
    Map<String, String> s = new HashMap<>(good);
    s.put(VertxTransportConfig.TLS_CA, dir.resolve("nope.crt").toString());
    assertThatThrownBy(() -> build(s))
        .hasMessageContaining(dir.resolve("nope.crt").toString())
        .hasMessageContaining("'transport.tls.ca'")
        .hasMessageContaining("cannot be read");
  }

  @Test
  void malformedCertificateNamesFileAndSetting() throws IOException {
    Files.writeString(Path.of(cert(good)), "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n");
    assertThatThrownBy(() -> build(good))
        .hasMessageContaining(cert(good))
        .hasMessageContaining("'transport.tls.cert'")
        .hasMessageContaining("does not decode");
  }

  @Test
  void certificateFileWithoutPemNamesFileAndSetting() throws IOException {
    Files.writeString(Path.of(cert(good)), "hello");
    assertThatThrownBy(() -> build(good))
        .hasMessageContaining(cert(good)).hasMessageContaining("'transport.tls.cert'").hasMessageContaining("no PEM");
  }

  @Test
  void malformedKeyNamesFileAndSetting() throws IOException {
    Files.writeString(Path.of(key(good)), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    assertThatThrownBy(() -> build(good))
        .hasMessageContaining(key(good))
        .hasMessageContaining("'transport.tls.key'")
        .hasMessageContaining("does not decode");
  }

  @Test
  void keyOfAnotherCertificateNamesTheKeyFile() throws IOException {
    PemFiles.writePrivateKey(Path.of(key(good)), pki.issue("n1").privateKey());
    assertThatThrownBy(() -> build(good))
        .hasMessageContaining(key(good))
        .hasMessageContaining("'transport.tls.key'")
        .hasMessageContaining("does not belong to the certificate in " + cert(good));
  }

  @Test
  void certificateForAnotherNodeNamesTheCertificateFile() {
    Map<String, String> other = pki.settingsFor("n2");
    assertThatThrownBy(() -> build(other))
        .hasMessageContaining(cert(other))
        .hasMessageContaining("'transport.tls.cert'")
        .hasMessageContaining("not for this node 'n1'");
  }

  @Test
  void expiredCertificateNamesTheCertificateFile() {
    Instant now = Instant.now();
    Map<String, String> s = pki.write("n1-expired",
        pki.ca.issue("n1", TlsFiles.HOSTS, now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(1))));
    assertThatThrownBy(() -> build(s))
        .hasMessageContaining(cert(s))
        .hasMessageContaining("not valid now");
  }

  @Test
  void certificateOfAnotherCaNamesBothFiles() {
    TlsFiles otherCa = new TlsFiles(dir.resolve("other"), "other-ca");
    Map<String, String> s = new HashMap<>(otherCa.settingsFor("n1"));
    s.put(VertxTransportConfig.TLS_CA, good.get(VertxTransportConfig.TLS_CA));
    assertThatThrownBy(() -> build(s))
        .hasMessageContaining(cert(s))
        .hasMessageContaining("not signed by the CA in " + good.get(VertxTransportConfig.TLS_CA));
  }
}
