package io.bellwether.node.e2e;

import io.bellwether.node.security.ApiRole;
import io.bellwether.node.security.Tokens;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The tokens file of a secure end-to-end cluster: one token per role, hashed as the nodes read it. */
final class E2eTokens {
  private E2eTokens() {}

  static Path file(Path tls) {
    return tls.resolve("tokens");
  }

  /** Writes a token per role into the tokens file; returns the write token, which the clients use. */
  static String write(Path tls) throws IOException {
    String write = null;
    Files.deleteIfExists(file(tls));
    for (ApiRole role : ApiRole.values()) {
      String token = Tokens.generate();
      Tokens.append(file(tls), role, "e2e-" + role.name().toLowerCase(java.util.Locale.ROOT), token);
      if (role == ApiRole.ADMIN) Files.writeString(tls.resolve("admin.token"), token);
      if (role == ApiRole.WRITE) write = token;
    }
    return write;
  }
}
