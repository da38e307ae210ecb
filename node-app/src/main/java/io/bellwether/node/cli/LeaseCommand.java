package io.bellwether.node.cli;

import static io.bellwether.node.cli.ClientCommands.EXIT_NOT_FOUND;

import io.bellwether.client.BellwetherClient;
import io.bellwether.client.Lease;
import io.bellwether.client.LeaseInfo;
import io.bellwether.client.LeaseRevocation;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code bellwether lease grant|keepalive|revoke|get|list}: the lease routes, one call each. */
@Command(name = "lease", mixinStandardHelpOptions = true, description = "Grants, keeps alive, revokes and shows leases.",
    subcommands = {LeaseCommand.Grant.class, LeaseCommand.KeepAlive.class, LeaseCommand.Revoke.class,
        LeaseCommand.Get.class, LeaseCommand.ListLeases.class})
public final class LeaseCommand {

  @Command(name = "grant", mixinStandardHelpOptions = true,
      description = "Grants a lease of TTL seconds and prints its id (nothing keeps it alive: use lease keepalive).")
  public static final class Grant extends KvCommands.KvBase {
    @Parameters(index = "0", paramLabel = "TTL", description = "seconds") long ttl;

    @Override
    int run(BellwetherClient client) {
      Lease lease = client.leases().grant(Duration.ofSeconds(ttl));
      out().println("OK lease " + lease.id() + " ttl=" + ttl + "s");
      return 0; // closing the client stops its keepalives
    }
  }

  @Command(name = "keepalive", mixinStandardHelpOptions = true, description = "Restarts a lease's TTL, once.")
  public static final class KeepAlive extends KvCommands.KvBase {
    @Parameters(index = "0", paramLabel = "ID") long id;

    @Override
    int run(BellwetherClient client) {
      if (!client.leases().keepAliveOnce(id)) return notFound(this, id);
      out().println("OK lease " + id + " kept alive");
      return 0;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Ends a lease now, deleting its keys.")
  public static final class Revoke extends KvCommands.KvBase {
    @Parameters(index = "0", paramLabel = "ID") long id;

    @Override
    int run(BellwetherClient client) {
      LeaseRevocation r = client.leases().revoke(id);
      out().println((r.revoked() ? "REVOKED lease " + id + " keysDeleted=" + r.keysDeleted() : "ABSENT lease " + id)
          + " index=" + r.index());
      return 0;
    }
  }

  @Command(name = "get", mixinStandardHelpOptions = true, description = "Shows a lease: TTL, time left, keys.")
  public static final class Get extends KvCommands.KvBase {
    @Parameters(index = "0", paramLabel = "ID") long id;

    @Override
    int run(BellwetherClient client) {
      Optional<LeaseInfo> info = client.leases().get(id);
      if (info.isEmpty()) return notFound(this, id);
      LeaseInfo l = info.get();
      out().println("lease " + l.id() + " ttl=" + l.ttlSeconds() + "s remaining=" + l.remainingMillis() + "ms keys="
          + String.join(",", l.keys()));
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists leases (id and TTL).")
  public static final class ListLeases extends KvCommands.KvBase {
    @Override
    int run(BellwetherClient client) {
      for (LeaseInfo l : client.leases().list()) out().println("lease " + l.id() + " ttl=" + l.ttlSeconds() + "s");
      return 0;
    }
  }

  private static int notFound(KvCommands.KvBase c, long id) {
    c.err().println("error LEASE_NOT_FOUND (HTTP 404): no lease " + id + " (it expired, was revoked, or never was)");
    return EXIT_NOT_FOUND;
  }
}
