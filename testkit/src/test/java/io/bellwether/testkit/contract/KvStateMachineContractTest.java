package io.bellwether.testkit.contract;

import io.bellwether.core.kv.KvCommand;
import io.bellwether.core.kv.KvLimits;
import io.bellwether.core.kv.KvQuery;
import io.bellwether.core.kv.KvStateMachine;
import io.bellwether.core.spi.StateMachine;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

// Goal: prove core's key-value state machine honours the StateMachine contract.
// Method: the shared suite, fed puts and deletes over a few keys, some conditional (so some fail their
// precondition), some with idempotency keys that repeat (so some are answered from the table), with
// leader timestamps that move forward.
class KvStateMachineContractTest extends StateMachineContract {

  private static final int KEYS = 12;

  @Override
  protected StateMachine newStateMachine() {
    return new KvStateMachine();
  }

  @Override
  protected List<byte[]> commands(Random random, int count) {
    List<byte[]> commands = new ArrayList<>();
    long timestamp = 1_000;
    for (int i = 0; i < count; i++) {
      timestamp += random.nextInt(50);
      String key = "k" + random.nextInt(KEYS);
      long expected = switch (random.nextInt(4)) {
        case 0 -> KvCommand.ABSENT;
        case 1 -> 1 + random.nextInt(5);
        default -> KvCommand.ANY;
      };
      String idempotencyKey = random.nextInt(5) == 0 ? "req-" + random.nextInt(10) : null;
      byte[] value = ("v" + i).getBytes(StandardCharsets.UTF_8);
      KvCommand command = random.nextInt(4) == 0
          ? new KvCommand.Delete(key, expected, idempotencyKey, timestamp)
          : new KvCommand.Put(key, value, expected, idempotencyKey, timestamp);
      commands.add(command.encode());
    }
    return commands;
  }

  @Override
  protected List<byte[]> queries(List<byte[]> commands) {
    List<byte[]> queries = new ArrayList<>();
    for (String key : new TreeSet<>(keys())) queries.add(new KvQuery.Get(key).encode());
    queries.add(new KvQuery.Scan("", KvLimits.MAX_SCAN_LIMIT).encode());
    return queries;
  }

  private static List<String> keys() {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < KEYS; i++) keys.add("k" + i);
    return keys;
  }
}
