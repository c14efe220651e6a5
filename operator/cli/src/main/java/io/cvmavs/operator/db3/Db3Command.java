package io.cvmavs.operator.db3;

import io.cvmavs.operator.command.CommandGroup;
import picocli.CommandLine.Command;

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
public final class Db3Command extends CommandGroup {}
