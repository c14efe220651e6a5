package io.cvmavs.operator.stake;

import io.cvmavs.operator.command.CommandGroup;
import picocli.CommandLine.Command;

/** {@code cvm-avs stake …}: the dual-stake validator set (module {@code stake-aggregator}). */
@Command(
    name = "stake",
    mixinStandardHelpOptions = true,
    description = "Dual stake ($C + EigenLayer restaked) → CometBFT validator set.",
    subcommands = {ValidatorSetCommand.class})
public final class StakeCommand extends CommandGroup {}
