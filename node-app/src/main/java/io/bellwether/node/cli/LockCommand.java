package io.bellwether.node.cli;

import static io.bellwether.node.cli.ClientCommands.EXIT_FAILED;

import io.bellwether.client.BellwetherClient;
import io.bellwether.client.RetryPolicy;
import io.bellwether.client.recipes.DistributedLock;
import io.bellwether.client.recipes.LockHandle;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bellwether lock NAME -- COMMAND...}: runs COMMAND while holding the distributed lock NAME
 * ({@link DistributedLock}), with its fencing token in {@code $BELLWETHER_LOCK_TOKEN}, and releases
 * it when COMMAND exits. If this process is killed, its lease expires after {@code --ttl} and the lock
 * passes on; if the lease is lost while COMMAND runs, COMMAND is stopped (SIGTERM) and the exit is 1.
 */
@Command(name = "lock", mixinStandardHelpOptions = true,
    description = "Runs COMMAND while holding the lock NAME; its fencing token is in $BELLWETHER_LOCK_TOKEN.")
public final class LockCommand extends KvCommands.KvBase {

  @Parameters(index = "0", paramLabel = "NAME", description = "the lock (its keys are NAME/<lease id>)") String name;
  @Parameters(index = "1..*", paramLabel = "COMMAND", arity = "1..*", description = "the command to run, after --") List<String> command;
  @Option(names = "--ttl", paramLabel = "SECONDS", defaultValue = "10",
      description = "lease TTL: how long the lock stays taken after this process dies (default ${DEFAULT-VALUE})") long ttl;
  @Option(names = "--wait", paramLabel = "SECONDS", description = "give up after waiting this long (default: wait forever)") Long waitSeconds;

  @Override
  boolean keepsRunning() {
    return true;
  }

  @Override
  RetryPolicy retry() {
    return RetryPolicy.defaults();
  }

  @Override
  int run(BellwetherClient client) {
    DistributedLock lock = new DistributedLock(client, name, Duration.ofSeconds(ttl));
    LockHandle held;
    try {
      held = lock.acquire(waitSeconds == null ? Duration.ofDays(3650) : Duration.ofSeconds(waitSeconds));
    } catch (TimeoutException e) {
      err().println("error: lock " + name + " not acquired within " + waitSeconds + "s");
      return EXIT_FAILED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return EXIT_FAILED;
    }
    err().println("locked " + name + " (fencing token " + held.fencingToken() + ")");
    err().flush();
    try {
      ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
      pb.environment().put("BELLWETHER_LOCK_TOKEN", Long.toString(held.fencingToken()));
      Process p = pb.start();
      AtomicBoolean lost = new AtomicBoolean();
      held.onLost(() -> {
        lost.set(true);
        err().println("error: lock " + name + " lost (" + held.lease().lostReason() + "); stopping the command");
        err().flush();
        p.destroy();
      });
      int code = p.waitFor();
      return lost.get() ? EXIT_FAILED : code;
    } catch (IOException e) {
      err().println("error: cannot run " + command.get(0) + ": " + e.getMessage());
      return EXIT_FAILED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return EXIT_FAILED;
    } finally {
      held.release();
    }
  }
}
