package io.bellwether.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bellwether.core.spi.Settings;
import io.bellwether.node.config.ConfigException;
import io.bellwether.node.config.NodeConfig;
import io.bellwether.node.security.HttpTls;
import io.bellwether.node.security.HttpTls.ClientAuthMode;
import io.vertx.core.http.HttpClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Goal: the security settings are checked at start-up, and every bad one stops the node with a
 * message naming the setting and the file: a malformed certificate, key or CA bundle, a key that is
 * not the certificate's, a tokens file with a bad line (its line number too, and never the text of
 * a pasted token), half of a cert/key pair, client certificates without a CA or without HTTPS,
 * {@code http.metrics.auth} without tokens, join URLs of the other scheme. Method: {@link
 * NodeConfig#from} on settings with such files; no node is started.
 */
class SecurityConfigTest {

  @TempDir static Path dir;
  static Credentials creds;

  @BeforeAll
  static void files() throws Exception {
    creds = Credentials.in(dir);
  }

  static NodeConfig config(String... kv) {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("storage", "inmem");
    for (int i = 0; i < kv.length; i += 2) s.put(kv[i], kv[i + 1]);
    return NodeConfig.from(Settings.of(s));
  }

  static Path file(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  @Test
  void validFilesGiveHttpsAndTokens() {
    NodeConfig c = config("http.tls.cert", creds.cert.toString(), "http.tls.key", creds.key.toString(),
        "http.tls.ca", creds.ca.toString(), "http.tls.client.auth", "required", "auth.tokens.file", creds.tokensFile.toString());
    assertThat(c.security().scheme()).isEqualTo("https");
    assertThat(c.security().tls().clientAuth()).isEqualTo(ClientAuthMode.REQUIRED);
    assertThat(c.security().tokens().size()).isEqualTo(3);
    assertThat(c.toString()).doesNotContain(creds.admin);
  }

  @Test
  void aMalformedCertificateKeyOrCaNamesTheFile() throws Exception {
    Path junk = file("junk.pem", "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n");
    assertThatThrownBy(() -> config("http.tls.cert", junk.toString(), "http.tls.key", creds.key.toString(), "http.tls.ca", creds.ca.toString()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("http.tls.cert").hasMessageContaining(junk.toString());
    Path empty = file("empty.pem", "");
    assertThatThrownBy(() -> config("http.tls.cert", creds.cert.toString(), "http.tls.key", empty.toString(), "http.tls.ca", creds.ca.toString()))
        .isInstanceOf(ConfigException.class).hasMessageContaining(empty.toString());
    assertThatThrownBy(() -> config("http.tls.cert", creds.cert.toString(), "http.tls.key", creds.clientKey.toString(), "http.tls.ca", creds.ca.toString()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("is not the private key of the certificate");
    assertThatThrownBy(() -> config("http.tls.cert", creds.cert.toString(), "http.tls.key", creds.key.toString(),
        "http.tls.ca", creds.key.toString()))
        .isInstanceOf(ConfigException.class).hasMessageContaining(creds.key.toString());
    assertThatThrownBy(() -> config("http.tls.cert", dir.resolve("absent.pem").toString(), "http.tls.key", creds.key.toString(), "http.tls.ca", creds.ca.toString()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("absent.pem");
  }

  @Test
  void aBadTokensFileNamesTheFileAndLine() throws Exception {
    Path badRole = file("tokens-role", "# ok\nread alice sha256:" + "a".repeat(64) + "\nroot bob sha256:" + "b".repeat(64) + "\n");
    assertThatThrownBy(() -> config("auth.tokens.file", badRole.toString()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("auth.tokens.file")
        .hasMessageContaining(badRole + " line 3").hasMessageContaining("unknown role 'root'");
    String pasted = "bw_thisIsATokenSomeonePastedInsteadOfItsHash";
    Path plain = file("tokens-plain", "write carol " + pasted + "\n");
    assertThatThrownBy(() -> config("auth.tokens.file", plain.toString()))
        .isInstanceOf(ConfigException.class).hasMessageContaining(plain + " line 1").hasMessageNotContaining(pasted);
    Path twice = file("tokens-twice", "read a sha256:" + "c".repeat(64) + "\nadmin b sha256:" + "c".repeat(64) + "\n");
    assertThatThrownBy(() -> config("auth.tokens.file", twice.toString()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("line 2").hasMessageContaining("twice");
    assertThatThrownBy(() -> config("auth.tokens.file", dir.resolve("missing").toString()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("missing");
  }

  @Test
  void settingsThatContradictEachOtherAreRefusedByName() throws Exception {
    assertThatThrownBy(() -> config("http.tls.cert", creds.cert.toString()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("http.tls.key");
    assertThatThrownBy(() -> config("http.tls.cert", creds.cert.toString(), "http.tls.key", creds.key.toString(),
        "http.tls.client.auth", "required"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("http.tls.ca");
    assertThatThrownBy(() -> config("http.tls.cert", creds.cert.toString(), "http.tls.key", creds.key.toString()))
        .as("HTTPS without the CA the nodes trust each other by: forwarded tokens would trust any public CA")
        .isInstanceOf(ConfigException.class).hasMessageContaining("http.tls.ca").hasMessageContaining("trust that CA only");
    assertThatThrownBy(() -> config("http.tls.client.auth", "maybe"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("none, request or required");
    assertThatThrownBy(() -> config("http.tls.ca", creds.ca.toString()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("http.tls.ca");
    assertThatThrownBy(() -> config("http.metrics.auth", "admin"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("auth.tokens.file");
    assertThatThrownBy(() -> config("auth.tokens.file", creds.tokensFile.toString(), "http.metrics.auth", "root"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("open, read, write or admin");
    assertThat(config("auth.tokens.file", creds.tokensFile.toString(), "http.metrics.auth", "open").security().metricsRole()).isNull();
    assertThatThrownBy(() -> config("membership.join", "https://127.0.0.1:9000", "peer.listen", "127.0.0.1:9001"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("membership.join").hasMessageContaining("http://host:port");
    Path emptyToken = file("join-token-empty", "# nothing\n\n");
    assertThatThrownBy(() -> config("membership.join.token.file", emptyToken.toString()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("membership.join.token.file").hasMessageContaining(emptyToken.toString());
  }

  @Test
  void nodeToNodeHttpsVerifiesHostNames() {
    HttpClientOptions o = new HttpTls(creds.cert, creds.key, creds.ca, ClientAuthMode.NONE).applyTo(new HttpClientOptions());
    assertThat(o.isSsl()).isTrue();
    assertThat(o.isVerifyHost()).isTrue();
    assertThat(o.getSslOptions().getHostnameVerificationAlgorithm()).isEqualTo("HTTPS");
  }
}
