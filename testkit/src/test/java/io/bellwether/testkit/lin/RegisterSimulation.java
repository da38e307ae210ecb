package io.bellwether.testkit.lin;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Generates histories of a correct (linearizable) register store: one map is the truth, concurrent
 * clients invoke operations, and each operation takes effect on the map at one instant between its
 * invocation and its completion. Some operations end with {@code INFO}, either after taking effect
 * or before; those may then take effect later, or never. A client that got {@code INFO} continues
 * under a new process id, and a few operations are still open when the history ends.
 *
 * <p>Values are unique ({@code v1}, {@code v2}, ...). Times are event counters: strictly increasing.
 */
final class RegisterSimulation {

  private enum Phase { IDLE, INVOKED, APPLIED }

  private static final class Client {
    int process;
    Phase phase = Phase.IDLE;
    Op invoke;
    String readValue;
    boolean casApplied;
  }

  private final SplittableRandom random;
  private final int keys;
  private final double infoRate;
  private final int deletePercent;
  private final Map<String, String> truth = new HashMap<>();
  /** Invocations that ended with INFO before taking effect: each may still take effect. */
  private final List<Op> limbo = new ArrayList<>();
  private final History history = new History();
  private long time;
  private int nextProcess;
  private long nextValue;

  private RegisterSimulation(long seed, int keys, double infoRate, int deletePercent) {
    this.random = new SplittableRandom(seed);
    this.keys = keys;
    this.infoRate = infoRate;
    this.deletePercent = deletePercent;
  }

  /**
   * @param operations how many operations to invoke
   * @param infoRate the chance that an operation ends with {@code INFO}
   */
  static History generate(long seed, int operations, int keys, int clients, double infoRate) {
    return generate(seed, operations, keys, clients, infoRate, 10);
  }

  /** @param deletePercent how many operations are deletes; the rest are 55% reads, 28% writes, cas */
  static History generate(long seed, int operations, int keys, int clients, double infoRate,
      int deletePercent) {
    return new RegisterSimulation(seed, keys, infoRate, deletePercent).run(operations, clients);
  }

  private History run(int operations, int clientCount) {
    Client[] clients = new Client[clientCount];
    for (int i = 0; i < clientCount; i++) {
      clients[i] = new Client();
      clients[i].process = nextProcess++;
    }
    int invoked = 0;
    while (true) {
      if (!limbo.isEmpty() && random.nextInt(20) == 0) {
        applyLate(limbo.remove(random.nextInt(limbo.size())));
      }
      Client client = clients[random.nextInt(clientCount)];
      if (client.phase == Phase.IDLE) {
        if (invoked == operations) {
          break; // The clients still busy stay open: the history ends without their completion.
        }
        invoke(client);
        invoked++;
      } else if (client.phase == Phase.INVOKED) {
        if (random.nextDouble() < infoRate / 2) {
          limbo.add(client.invoke);
          completeWithInfo(client, "timeout before taking effect");
        } else {
          apply(client);
        }
      } else if (random.nextDouble() < infoRate / 2) {
        completeWithInfo(client, "timeout after taking effect");
      } else {
        complete(client);
      }
    }
    return history;
  }

  private void invoke(Client client) {
    String key = "k" + random.nextInt(keys);
    int dice = random.nextInt(100);
    Op invoke;
    if (random.nextInt(100) < deletePercent) {
      invoke = Op.invokeDelete(client.process, key, ++time);
    } else if (dice < 55) {
      invoke = Op.invokeRead(client.process, key, ++time);
    } else if (dice < 83) {
      invoke = Op.invokeWrite(client.process, key, newValue(), ++time);
    } else {
      // Mostly the value held now, so that many succeed; sometimes one that is probably stale.
      String expected = random.nextInt(10) < 7 ? truth.get(key) : "v" + random.nextLong(nextValue + 1);
      invoke = Op.invokeCas(client.process, key, expected, newValue(), ++time);
    }
    client.invoke = history.add(invoke.withNode("n" + random.nextInt(3)));
    client.phase = Phase.INVOKED;
  }

  private void apply(Client client) {
    Op op = client.invoke;
    switch (op.f()) {
      case READ -> client.readValue = truth.get(op.key());
      case WRITE -> truth.put(op.key(), op.value());
      case CAS -> {
        client.casApplied = Objects.equals(truth.get(op.key()), op.expected());
        if (client.casApplied) {
          truth.put(op.key(), op.value());
        }
      }
      case DELETE -> truth.remove(op.key());
    }
    client.phase = Phase.APPLIED;
  }

  private void applyLate(Op op) {
    switch (op.f()) {
      case READ -> { }
      case WRITE -> truth.put(op.key(), op.value());
      case CAS -> {
        if (Objects.equals(truth.get(op.key()), op.expected())) {
          truth.put(op.key(), op.value());
        }
      }
      case DELETE -> truth.remove(op.key());
    }
  }

  private void complete(Client client) {
    Op op = client.invoke;
    if (op.f() == Op.F.CAS && !client.casApplied) {
      history.add(Op.fail(client.process, op.f(), op.key(), ++time, "expected value not found"));
    } else {
      String value = op.f() == Op.F.READ ? client.readValue : op.value();
      history.add(Op.ok(client.process, op.f(), op.key(), value, ++time).withNode(op.node()));
    }
    client.phase = Phase.IDLE;
  }

  private void completeWithInfo(Client client, String error) {
    history.add(Op.info(client.process, client.invoke.f(), client.invoke.key(), ++time, error));
    client.process = nextProcess++;
    client.phase = Phase.IDLE;
  }

  private String newValue() {
    return "v" + (++nextValue);
  }
}
