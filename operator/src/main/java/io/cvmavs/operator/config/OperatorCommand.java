package io.cvmavs.operator.config;

import io.cvmavs.operator.registration.RegisterCommand;
import io.cvmavs.operator.registration.StatusCommand;
import picocli.CommandLine.Command;

/**
 * {@code cvm-avs operator}: an operator's own setup: configuration check, registration with
 * EigenLayer and the AVS, status.
 */
@Command(
    name = "operator",
    mixinStandardHelpOptions = true,
    description = "Operator setup: configuration checks, registration, status.",
    subcommands = {CheckConfigCommand.class, RegisterCommand.class, StatusCommand.class})
public final class OperatorCommand {}
