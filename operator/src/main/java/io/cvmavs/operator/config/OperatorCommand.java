package io.cvmavs.operator.config;

import picocli.CommandLine.Command;

/**
 * {@code cvm-avs operator}: an operator's own setup (configuration today; registration and status
 * next).
 */
@Command(
    name = "operator",
    mixinStandardHelpOptions = true,
    description = "Operator setup: configuration checks.",
    subcommands = {CheckConfigCommand.class})
public final class OperatorCommand {}
