package io.bellwether.node.cli;

import io.bellwether.node.security.ApiRole;
import io.bellwether.node.security.Tokens;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bellwether token create --role R --name N --file F}: makes a bearer token, appends its
 * hashed line to a tokens file ({@code auth.tokens.file}; running nodes reload it within seconds) and
 * prints the token, the only time it is ever shown. Exit codes: 0 done, 1 the file cannot be
 * written (no token printed), 2 bad usage.
 */
@Command(name = "token", mixinStandardHelpOptions = true,
    description = "Makes bearer tokens for the HTTP API.", subcommands = {TokenCommand.Create.class})
public final class TokenCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing subcommand: bellwether token create");
  }

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = {"Makes a token, appends its hash to the tokens file, and prints the token once.",
          "Keep it like a password: the file holds only its SHA-256 hash."})
  public static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--role", required = true, paramLabel = "ROLE", description = "read, write or admin")
    String role;

    @Option(names = "--name", required = true, paramLabel = "NAME",
        description = "who holds it, as logs and refusals call it (letters, digits, . _ @ -)")
    String name;

    @Option(names = "--file", required = true, paramLabel = "FILE", description = "the tokens file (created if absent)")
    Path file;

    @Override
    public Integer call() {
      ApiRole r;
      try {
        r = ApiRole.parse(role);
        Tokens.line(r, name, "probe"); // checks the name before anything is written
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
      String token = Tokens.generate();
      try {
        Tokens.append(file, r, name, token);
      } catch (IOException e) {
        spec.commandLine().getErr().println("error: " + e.getMessage());
        return 1;
      }
      spec.commandLine().getOut().println(token);
      spec.commandLine().getErr().println("added " + r.label() + " token '" + name + "' to " + file
          + "; the token above is shown only now");
      return 0;
    }
  }
}
