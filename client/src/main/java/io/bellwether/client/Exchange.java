package io.bellwether.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * One blocking HTTP/1.1 exchange with a node: how {@link Transport} reaches the API. Two kinds: the
 * JDK's {@code java.net.http} client (pooled connections, watches; the default) and {@link
 * ShortLivedHttp} (a connection per call, no background threads; for processes that make a call or
 * two and exit). Both report failures the same way, which is what lets {@link Transport} tell "nothing
 * was sent" from "may have been carried out":
 *
 * <ul>
 *   <li>{@link java.net.ConnectException}, {@link java.net.http.HttpConnectTimeoutException}: no
 *       connection was opened, nothing was sent;
 *   <li>{@link javax.net.ssl.SSLHandshakeException}: the TLS handshake failed, nothing was sent;
 *   <li>{@link java.net.http.HttpTimeoutException}: sent, no answer within {@code timeout};
 *   <li>any other {@link IOException}: the connection broke, the request may have been read.
 * </ul>
 */
interface Exchange {

  /**
   * Sends a request and waits for the whole answer, whatever its status.
   *
   * @param body the request body, or null for none
   * @param timeout how long to wait for the answer
   */
  HttpResponse<byte[]> send(String method, URI uri, Map<String, String> headers, byte[] body, Duration timeout)
      throws IOException, InterruptedException;
}
