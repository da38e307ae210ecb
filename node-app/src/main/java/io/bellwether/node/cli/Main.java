package io.bellwether.node.cli;

import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bellwether}: run a node, a local cluster, or talk to one. */
@Command(
    name = "bellwether",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Bellwether: a replicated key-value store (Raft).",
    subcommands = {
      NodeCommand.class,
      LocalClusterCommand.class,
      KvCommands.Put.class,
      KvCommands.Get.class,
      KvCommands.Delete.class,
      KvCommands.Scan.class,
      WatchCommand.class,
      LeaseCommand.class,
      LockCommand.class,
      ClientCommands.Status.class,
      LeaderCommand.class,
      MemberCommand.class,
      CertsCommand.class,
      TokenCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {

  /** Runs the command line and exits with its code; the one-call client commands take the quick way in. */
  public static void main(String[] args) {
    System.exit(ClientMain.runs(args) ? ClientMain.run(args) : run(args));
  }

  /** Runs the command line and returns its exit code (tests call this). */
  public static int run(String... args) {
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    return commandLine().execute(args);
  }

  public static CommandLine commandLine() {
    return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  @Override
  public void run() {
    commandLine().usage(System.out);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"bellwether " + (v == null ? "(development build)" : v)};
    }
  }
}
