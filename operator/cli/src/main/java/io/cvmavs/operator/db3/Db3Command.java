package io.cvmavs.operator.db3;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code cvm-avs db3 …}: DB3 signed mutations and ChainbaseDB (module {@code chainbasedb}). */
@Command(
    name = "db3",
    mixinStandardHelpOptions = true,
    description =
        "DB3 mutations and ChainbaseDB: sign mutations with an Ethereum key, apply them to a local"
            + " store or submit them to a CVM chain node, query, print the state root.",
    subcommands = {
      Db3SignCommand.class,
      Db3ApplyCommand.class,
      Db3SubmitCommand.class,
      Db3QueryCommand.class,
      Db3RootCommand.class
    })
public final class Db3Command implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "Missing command: sign, apply, submit, query or root.");
  }
}
