package io.cvmavs.operator.consensus;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code cvm-avs consensus …}: the CVM chain (module {@code consensus-light}). */
@Command(
    name = "consensus",
    mixinStandardHelpOptions = true,
    description = "The CVM chain on CometBFT: genesis.",
    subcommands = {ConsensusGenesisCommand.class})
public final class ConsensusCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: genesis.");
  }
}
