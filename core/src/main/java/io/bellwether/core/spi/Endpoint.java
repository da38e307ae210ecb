package io.bellwether.core.spi;

/**
 * A host and port, written {@code host:port} (IPv6 hosts in brackets: {@code [::1]:7000}).
 */
public record Endpoint(String host, int port) {

  public Endpoint {
    if (host == null || host.isBlank()) throw new IllegalArgumentException("host must not be empty");
    if (port < 0 || port > 65535) throw new IllegalArgumentException("port out of range: " + port);
  }

  /**
   * Parses {@code host:port}.
   *
   * @throws IllegalArgumentException naming the text when it is not {@code host:port}
   */
  public static Endpoint parse(String text) {
    if (text == null) throw new IllegalArgumentException("endpoint must be host:port, got null");
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException("endpoint must be host:port, got '" + text + "'");
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("endpoint port is not a number in '" + text + "'");
    }
    return new Endpoint(host, port);
  }

  @Override
  public String toString() {
    return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
  }
}
