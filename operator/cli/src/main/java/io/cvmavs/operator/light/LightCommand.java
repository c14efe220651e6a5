package io.cvmavs.operator.light;

import io.cvmavs.operator.command.CommandGroup;
import picocli.CommandLine.Command;

/** {@code cvm-avs light …}: the CometBFT light client (module {@code consensus-light}). */
@Command(
    name = "light",
    mixinStandardHelpOptions = true,
    description = "CometBFT light client: verify headers against a trusted one, follow a node.",
    subcommands = {LightVerifyCommand.class, LightSyncCommand.class})
public final class LightCommand extends CommandGroup {}
