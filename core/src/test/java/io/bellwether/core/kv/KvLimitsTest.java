package io.bellwether.core.kv;

// Goal: requests over a limit are refused before proposing, with a message naming limit and size.
// Method: build commands and queries at and just past each boundary, checking the typed exception.

import static io.bellwether.core.kv.KvDriver.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KvLimitsTest {

  private final KvLimits limits = new KvLimits(100);

  @Test
  void defaultsAreOneKibiByteKeysAndOneMebiByteValues() {
    assertThat(KvLimits.defaults().maxKeyBytes()).isEqualTo(1024);
    assertThat(KvLimits.defaults().maxValueBytes()).isEqualTo(1 << 20);
  }

  @Test
  void emptyKeyIsRefused() {
    assertThatThrownBy(() -> KvLimits.checkKey(""))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("key is empty: keys are 1 to 1024 bytes")
        .satisfies(e -> assertThat(((InvalidRequestException) e).tooLarge()).isFalse());
  }

  @Test
  void keyOfExactly1024BytesIsAccepted() {
    assertThat(KvLimits.checkKey("k".repeat(1024))).isEqualTo(1024);
    assertThat(KvLimits.checkKey("é".repeat(512))).isEqualTo(1024);
  }

  @Test
  void keyOf1025BytesIsRefusedCountingUtf8Bytes() {
    assertThatThrownBy(() -> KvLimits.checkKey("k".repeat(1025)))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("key is 1025 bytes (UTF-8), over the limit of 1024")
        .satisfies(e -> assertThat(((InvalidRequestException) e).tooLarge()).isTrue());
    // 513 characters but 1026 bytes.
    assertThatThrownBy(() -> KvLimits.checkKey("é".repeat(513)))
        .hasMessage("key is 1026 bytes (UTF-8), over the limit of 1024");
  }

  @Test
  void keyWithAnUnpairedSurrogateIsRefused() {
    assertThatThrownBy(() -> KvLimits.checkKey("a\uD800"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("not valid Unicode");
  }

  @Test
  void commandsCannotBeBuiltWithABadKey() {
    assertThatThrownBy(() -> KvCommand.put("", utf8("v"), 1))
        .isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> KvCommand.delete("k".repeat(1025), 1))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("1025 bytes");
    assertThatThrownBy(() -> new KvQuery.Get(""))
        .isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void valueOverTheConfiguredMaximumIsRefused() {
    assertThatCode(() -> limits.checkValue(new byte[100])).doesNotThrowAnyException();
    assertThatThrownBy(() -> limits.check(KvCommand.put("k", new byte[101], 1)))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("value is 101 bytes, over the limit of 100 (maxValueBytes)")
        .satisfies(e -> assertThat(((InvalidRequestException) e).tooLarge()).isTrue());
  }

  @Test
  void deletesHaveNoValueToCheck() {
    assertThatCode(() -> limits.check(KvCommand.delete("k", 1))).doesNotThrowAnyException();
  }

  @Test
  void idempotencyKeyIsLimitedTo128Bytes() {
    assertThatCode(() -> new KvCommand.Delete("k", -1, "i".repeat(128), 1))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> new KvCommand.Delete("k", -1, "i".repeat(129), 1))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("idempotency key is 129 bytes (UTF-8), over the limit of 128");
    assertThatThrownBy(() -> new KvCommand.Delete("k", -1, "", 1))
        .hasMessage("idempotency key is empty");
  }

  @Test
  void expectedVersionBelowAnyIsRefused() {
    assertThatThrownBy(() -> new KvCommand.Put("k", utf8("v"), -2, null, 1))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("expectedVersion is -2");
  }

  @Test
  void scanLimitMustBeOneToTenThousand() {
    assertThatCode(() -> new KvQuery.Scan("", 10_000)).doesNotThrowAnyException();
    assertThatThrownBy(() -> new KvQuery.Scan("", 0))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("scan limit is 0, outside 1..10000");
    assertThatThrownBy(() -> new KvQuery.Scan("", 10_001))
        .hasMessage("scan limit is 10001, outside 1..10000");
  }

  @Test
  void negativeValueLimitIsAConfigurationError() {
    assertThatThrownBy(() -> new KvLimits(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
