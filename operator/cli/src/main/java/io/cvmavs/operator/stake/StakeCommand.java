package io.cvmavs.operator.stake;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code cvm-avs stake …}: the dual-stake validator set (module {@code stake-aggregator}). */
@Command(
    name = "stake",
    mixinStandardHelpOptions = true,
    description = "Dual stake ($C + EigenLayer restaked) → CometBFT validator set.",
    subcommands = {ValidatorSetCommand.class})
public final class StakeCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: validator-set.");
  }
}
