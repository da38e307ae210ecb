package io.bellwether.node.readme;

// client/README.md's first example, verbatim (ClientReadmeTest checks it): compiled, so it cannot rot.
import io.bellwether.client.*;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

public class Example {
  public static void main(String[] args) {
    try (BellwetherClient client = BellwetherClient.builder()
        .endpoints("http://127.0.0.1:8080", "http://127.0.0.1:8081", "http://127.0.0.1:8082")
        .requestTimeout(Duration.ofSeconds(5))
        .build()) {
      WriteResult w = client.put("greeting/en", "hello".getBytes(StandardCharsets.UTF_8));
      KeyValue kv = client.get("greeting/en", Consistency.LINEARIZABLE).orElseThrow();
      System.out.println(kv.valueAsString() + " at version " + kv.version() + " from " + kv.node());

      CasResult cas = client.compareAndSet("greeting/en", w.version(), "hi".getBytes(StandardCharsets.UTF_8));
      if (!cas.matched()) System.out.println("someone else wrote version " + cas.currentVersion());

      for (KeyValue e : client.scanAll("greeting/", 100, Consistency.STALE)) System.out.println(e.key());
      client.delete("greeting/en");
    } catch (OutcomeUnknownException e) {
      System.err.println("may or may not have happened; resend with Idempotency-Key " + e.idempotencyKey());
    }
  }
}
