package io.bellwether.node.security;

import javax.net.ssl.SSLContext;

/**
 * How a node calls another node's HTTP API with a blocking client (joining, asking to be
 * promoted): the TLS context when the cluster serves HTTPS, and the bearer token it presents.
 *
 * @param tls the client context, or null for plain HTTP
 * @param token the token to send as {@code Authorization: Bearer}, or null for none
 */
public record ClusterCredentials(SSLContext tls, Secret token) {

  /** Plain HTTP, no token. */
  public static final ClusterCredentials NONE = new ClusterCredentials(null, null);
}
