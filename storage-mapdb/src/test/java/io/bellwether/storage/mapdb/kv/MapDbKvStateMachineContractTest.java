package io.bellwether.storage.mapdb.kv;

import io.bellwether.core.kv.KvStateMachine;
import io.bellwether.core.spi.StateMachine;
import io.bellwether.testkit.contract.KvStateMachineContract;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

// Goal: prove the key-value state machine with its keys on disk (MapDB layers) honours the same
// contract as the in-memory one: same results, same answers, snapshots that rebuild the state when
// transferred as a bundle of layer files, and a restart that restores its manifest and replays the log.
// Method: the shared suite; each machine in its own directory, so a transfer really moves files.
class MapDbKvStateMachineContractTest extends KvStateMachineContract {

  @TempDir Path root;
  private final List<KvStateMachine> open = new ArrayList<>();
  private final Map<StateMachine, Path> dirs = new IdentityHashMap<>();

  @Override
  protected StateMachine newStateMachine() {
    return open(root.resolve("m" + dirs.size()));
  }

  @Override
  protected StateMachine reopen(StateMachine machine) {
    Path dir = dirs.get(machine);
    ((KvStateMachine) machine).close();
    return open(dir);
  }

  private KvStateMachine open(Path dir) {
    KvStateMachine m = new KvStateMachine(new MapDbKvStorage(dir), KvStateMachine.DEFAULT_IDEMPOTENCY_RETENTION_MILLIS,
        KvStateMachine.DEFAULT_IDEMPOTENCY_MAX_RECORDS);
    open.add(m);
    dirs.put(m, dir);
    return m;
  }

  @AfterEach
  void closeAll() {
    open.forEach(KvStateMachine::close);
  }
}
