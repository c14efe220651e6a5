package io.cvmavs.operator.command;

import picocli.CommandLine;

/**
 * The root of the {@code cvm-avs} command tree, as its subcommands see it: they live in feature
 * packages below the root's package and reach the root only through this interface (the root lists
 * them, so they cannot name it without a package cycle).
 */
public interface CliRoot {
  /** Exit code of a command that failed (the message says why). */
  int EXIT_FAILURE = 1;

  /** The context this command line was made with. */
  CliContext context();

  /**
   * A new command line of the same command tree, with the same error handling and exit codes, and
   * the given context (e.g. the devnet runs {@code operator register} with its own passwords).
   */
  CommandLine newCommandLine(CliContext context);
}
