package io.bellwether.testkit.contract;

import io.bellwether.core.kv.KvCommand;
import io.bellwether.core.kv.KvLimits;
import io.bellwether.core.kv.KvQuery;
import io.bellwether.core.kv.KvStateMachine;
import io.bellwether.core.kv.LeaseCommand;
import io.bellwether.core.spi.StateMachine;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

// Goal: prove core's key-value state machine, over any storage, honours the StateMachine contract.
// Method: the shared suite, fed puts and deletes over a few keys, some conditional (so some fail their
// precondition), some with idempotency keys that repeat (so some are answered from the table), with
// leader timestamps that move forward; and leases: grants (some retried), puts attached to a lease
// (an index that may or may not have granted one, so some are refused), revokes and expiries (some of
// leases long gone), so the snapshot must carry the leases and every key's lease.
/**
 * The {@link StateMachineContract} fed with key-value commands: for core's {@link KvStateMachine}
 * over any {@link io.bellwether.core.kv.KvStorage}. A module extends it and builds the machine.
 */
public abstract class KvStateMachineContract extends StateMachineContract {

  private static final int KEYS = 12;

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
      // A lease id is a grant's index; commands are applied from index 1, so any earlier index may be one.
      long lease = i == 0 ? 1 : 1 + random.nextInt(i);
      int kind = random.nextInt(20);
      if (kind < 2) {
        commands.add(new LeaseCommand.Grant(1 + random.nextInt(60), idempotencyKey, timestamp).encode());
      } else if (kind == 2) {
        commands.add(new LeaseCommand.Revoke(lease, idempotencyKey, timestamp).encode());
      } else if (kind == 3) {
        commands.add(new LeaseCommand.Expire(lease, timestamp).encode());
      } else {
        KvCommand command = random.nextInt(4) == 0
            ? new KvCommand.Delete(key, expected, idempotencyKey, timestamp)
            : new KvCommand.Put(key, value, expected, idempotencyKey, timestamp,
                random.nextInt(3) == 0 ? lease : 0);
        commands.add(command.encode());
      }
    }
    return commands;
  }

  @Override
  protected List<byte[]> queries(List<byte[]> commands) {
    List<byte[]> queries = new ArrayList<>();
    for (String key : new TreeSet<>(keys())) queries.add(new KvQuery.Get(key).encode());
    queries.add(new KvQuery.Scan("", KvLimits.MAX_SCAN_LIMIT).encode());
    queries.add(new KvQuery.LeaseList(KvLimits.MAX_SCAN_LIMIT).encode());
    for (int id = 1; id <= commands.size(); id++) queries.add(new KvQuery.LeaseGet(id).encode());
    return queries;
  }

  private static List<String> keys() {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < KEYS; i++) keys.add("k" + i);
    return keys;
  }
}
