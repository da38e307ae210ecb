package io.bellwether.node.cli;

import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The quick way in for the commands that make a call or two and exit ({@code get}, {@code put},
 * {@code delete}, {@code scan}, {@code status}): the same commands as under {@link Main}, with only
 * what they need loaded. Measured on a 2-core machine (docs/BENCHMARKS.md, "The command line"), a
 * client command took 1.1 to 1.5 s, nearly all of it start-up: picocli reading every command of the
 * node (0.2 to 0.3 s), Logback parsing its configuration (0.3 s; these commands log nothing, so
 * SLF4J gets its no-op provider here), Jackson (0.15 s, now loaded only when an answer is JSON), and
 * the JDK's HTTP client (0.6 s with the exit it delays; these commands use {@code ShortLivedHttp}).
 */
@Command(name = "bellwether")
final class ClientMain {

  private static final Set<String> COMMANDS = Set.of("put", "get", "delete", "scan", "status");

  /** The command named {@code name}, one of {@link #COMMANDS}. */
  private static Object command(String name) {
    return switch (name) {
      case "put" -> new KvCommands.Put();
      case "get" -> new KvCommands.Get();
      case "delete" -> new KvCommands.Delete();
      case "scan" -> new KvCommands.Scan();
      case "status" -> new ClientCommands.Status();
      default -> throw new IllegalArgumentException("not a one-call command: " + name);
    };
  }

  private ClientMain() {}

  /** Whether these arguments are a command this entry point runs. */
  static boolean runs(String... args) {
    return args.length > 0 && COMMANDS.contains(args[0]);
  }

  /** Runs the command and returns its exit code. */
  static int run(String... args) {
    // Before anything asks SLF4J for a logger: no Logback, and no line about the choice.
    System.setProperty("slf4j.internal.verbosity", "WARN");
    System.setProperty("slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider");
    // Only the command asked for: picocli reads each command's annotations when it is added.
    CommandLine line = new CommandLine(new ClientMain()).addSubcommand(command(args[0]));
    return line.setCaseInsensitiveEnumValuesAllowed(true).execute(args);
  }
}
