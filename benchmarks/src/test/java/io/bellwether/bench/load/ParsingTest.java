package io.bellwether.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

/** Durations, endpoints and key encoding as the command line and the protocol see them. */
class ParsingTest {

  @Test
  void durations() {
    assertThat(DurationConverter.parse("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(DurationConverter.parse("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(DurationConverter.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(DurationConverter.parse("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(DurationConverter.parse("10")).isEqualTo(Duration.ofSeconds(10));
    assertThat(DurationConverter.parse("PT1S")).isEqualTo(Duration.ofSeconds(1));
    assertThatThrownBy(() -> DurationConverter.parse("soon")).isInstanceOf(TypeConversionException.class);
  }

  @Test
  void endpoints() {
    assertThat(Endpoint.parse("http://127.0.0.1:8080/")).isEqualTo(new Endpoint("http://127.0.0.1:8080", "127.0.0.1", 8080));
    assertThat(Endpoint.parse("localhost:2379").port()).isEqualTo(2379);
    assertThat(Endpoint.parseList("http://a:1, http://b:2")).extracting(Endpoint::host).containsExactly("a", "b");
    assertThat(Endpoint.parse("https://127.0.0.1:8443/")).isEqualTo(new Endpoint("https://127.0.0.1:8443", "127.0.0.1", 8443));
    assertThat(Endpoint.parse("https://a").port()).isEqualTo(443);
    assertThat(Endpoint.parse("https://a:1").tls()).isTrue();
    assertThat(Endpoint.parse("a:1").tls()).isFalse();
    // A node advertises host:port; it is reached with the scheme of the configured endpoints.
    assertThat(Endpoint.parse("127.0.0.1:9", true).url()).isEqualTo("https://127.0.0.1:9");
    assertThatThrownBy(() -> Endpoint.parse("ftp://a:1")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Endpoint.parse("http://a:1/v1")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void keysArePaddedAndPathSafe() {
    KeySpace keys = new KeySpace("bench/", 1000, 100, 1);
    assertThat(keys.key(7)).isEqualTo("bench/007");
    assertThat(keys.value()).hasSize(100);
    assertThat(new KeySpace("bench/", 1000, 100, 1).value()).isEqualTo(keys.value());
    assertThat(BellwetherProtocol.encodePath("a b/ü?")).isEqualTo("a%20b/%C3%BC%3F");
  }
}
