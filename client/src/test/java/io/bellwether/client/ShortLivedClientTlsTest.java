package io.bellwether.client;

/** {@link ClientTlsTest} for a short-lived client: HttpsURLConnection with the same trust, keys and checks. */
class ShortLivedClientTlsTest extends ClientTlsTest {

  @Override
  BellwetherClientBuilder builder() {
    return BellwetherClient.builder().shortLived();
  }
}
