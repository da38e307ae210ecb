package io.bellwether.client;

import java.net.URI;

/**
 * 401 {@code UNAUTHENTICATED} (no token, or one the node does not know) or 403 {@code FORBIDDEN} (the
 * token's role does not allow the route). Never retried: another attempt would be refused the same
 * way. Nothing happened.
 */
public final class AuthenticationException extends NotAppliedException {

  AuthenticationException(String message, int status, String code, String serverMessage, URI endpoint) {
    super(message, status, code, serverMessage, endpoint, null);
  }
}
