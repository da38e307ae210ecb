package io.bellwether.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bellwether.node.security.AccessRules;
import io.bellwether.node.security.ApiRole;
import io.bellwether.node.security.Gate;
import io.bellwether.node.security.TokenTable;
import io.bellwether.node.security.Tokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Goal: tokens are random and long, the tokens file stores only their hashes, a presented token
 * finds its role, and the gate's verdicts (401 without or with an unknown token, 403 for too small a
 * role) follow the access table; a changed tokens file takes effect without a restart, and a broken
 * edit keeps the tokens in force. Method: the security classes alone, on files in a temp directory.
 */
class TokensTest {

  @TempDir Path dir;

  @Test
  void tokensAreRandom256BitsAndTheFileHoldsOnlyTheirHash() throws Exception {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 100; i++) assertThat(seen.add(Tokens.generate())).isTrue();
    String t = Tokens.generate();
    assertThat(t).startsWith("bw_").hasSize(3 + 43).matches("bw_[A-Za-z0-9_-]+");
    Path file = dir.resolve("tokens");
    Tokens.append(file, ApiRole.WRITE, "ci-bot", t);
    String text = Files.readString(file);
    assertThat(text).doesNotContain(t).matches("write ci-bot sha256:[0-9a-f]{64}\\R");
    TokenTable table = TokenTable.load(file);
    assertThat(table.lookup(t)).get().satisfies(c -> {
      assertThat(c.name()).isEqualTo("ci-bot");
      assertThat(c.role()).isEqualTo(ApiRole.WRITE);
    });
    assertThat(table.lookup(t + "x")).isEmpty();
    assertThat(table.lookup("")).isEmpty();
    assertThatThrownBy(() -> Tokens.line(ApiRole.READ, "has space", t)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theGateAnswers401And403ByTheAccessTable() throws Exception {
    Path file = dir.resolve("tokens");
    String reader = Tokens.generate();
    String admin = Tokens.generate();
    Tokens.append(file, ApiRole.READ, "r", reader);
    Tokens.append(file, ApiRole.ADMIN, "a", admin);
    Gate gate = new Gate(file, TokenTable.load(file), new AccessRules(ApiRole.ADMIN));
    assertThat(gate.check("kv_get", null).status()).isEqualTo(401);
    assertThat(gate.check("kv_get", "Bearer nope").status()).isEqualTo(401);
    assertThat(gate.check("kv_get", "bearer " + reader).admitted()).isTrue();
    assertThat(gate.check("kv_put", "Bearer " + reader).status()).isEqualTo(403);
    assertThat(gate.check("kv_put", "Bearer " + reader).message()).doesNotContain(reader).contains("'r'");
    assertThat(gate.check("metrics", "Bearer " + reader).status()).isEqualTo(403);
    assertThat(gate.check("member_add", "Bearer " + admin).admitted()).isTrue();
    assertThat(gate.check("health_ready", null).admitted()).isTrue();
    assertThatThrownBy(() -> gate.check("a_route_without_a_rule", "Bearer " + admin))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Gate.open().check("member_add", null).admitted()).isTrue();
  }

  @Test
  void aChangedTokensFileTakesEffectAndABrokenOneKeepsTheOld() throws Exception {
    Path file = dir.resolve("tokens");
    String first = Tokens.generate();
    Tokens.append(file, ApiRole.READ, "first", first);
    Gate gate = new Gate(file, TokenTable.load(file), new AccessRules(null));
    String second = Tokens.generate();
    assertThat(gate.check("kv_get", "Bearer " + second).status()).isEqualTo(401);
    Tokens.append(file, ApiRole.READ, "second", second);
    assertThat(gate.reloadIfChanged()).isTrue();
    assertThat(gate.check("kv_get", "Bearer " + second).admitted()).isTrue();

    Files.writeString(file, "read broken-line\n", java.nio.file.StandardOpenOption.APPEND);
    assertThat(gate.reloadIfChanged()).isFalse();
    assertThat(gate.check("kv_get", "Bearer " + first).admitted()).isTrue();
    assertThat(gate.check("kv_get", "Bearer " + second).admitted()).isTrue();
  }

  @Test
  void aRevocationOfTheSameSizeAndTimestampIsSeen() throws Exception {
    // Revoking by swapping one token for another gives a file of the same size; on a file system with
    // coarse timestamps it may also keep its modification time. The content decides.
    Path file = dir.resolve("tokens");
    String revoked = Tokens.generate();
    Tokens.append(file, ApiRole.WRITE, "app", revoked);
    Gate gate = new Gate(file, TokenTable.load(file), new AccessRules(null));
    java.nio.file.attribute.FileTime mtime = Files.getLastModifiedTime(file);
    long size = Files.size(file);
    String replacement = Tokens.generate();
    Files.writeString(file, Tokens.line(ApiRole.WRITE, "app", replacement) + "\n");
    Files.setLastModifiedTime(file, mtime);
    assertThat(Files.size(file)).isEqualTo(size);

    assertThat(gate.reloadIfChanged()).isTrue();
    assertThat(gate.check("kv_put", "Bearer " + revoked).status()).isEqualTo(401);
    assertThat(gate.check("kv_put", "Bearer " + replacement).admitted()).isTrue();
  }
}
