package io.cvmavs.operator.registration;

import io.cvmavs.operator.config.CheckConfigCommand;
import picocli.CommandLine.Command;

/**
 * {@code cvm-avs operator}: an operator's own setup: configuration check, registration with
 * EigenLayer and the AVS, socket updates, deregistration, status.
 */
@Command(
    name = "operator",
    mixinStandardHelpOptions = true,
    description =
        "Operator setup: configuration checks, registration, socket, deregistration, status.",
    subcommands = {
      CheckConfigCommand.class,
      RegisterCommand.class,
      UpdateSocketCommand.class,
      DeregisterCommand.class,
      StatusCommand.class
    })
public final class OperatorCommand {}
