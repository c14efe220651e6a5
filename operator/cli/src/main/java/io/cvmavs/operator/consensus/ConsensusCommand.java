package io.cvmavs.operator.consensus;

import io.cvmavs.operator.command.CommandGroup;
import picocli.CommandLine.Command;

/** {@code cvm-avs consensus …}: the CVM chain (module {@code consensus-light}). */
@Command(
    name = "consensus",
    mixinStandardHelpOptions = true,
    description = "The CVM chain on CometBFT: genesis, and serving a validator's app.",
    subcommands = {ConsensusGenesisCommand.class, ConsensusServeCommand.class})
public final class ConsensusCommand extends CommandGroup {}
