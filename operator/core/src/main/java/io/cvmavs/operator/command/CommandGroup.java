package io.cvmavs.operator.command;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command of the {@code cvm-avs} tree that only groups subcommands: run without one, it is a
 * usage error (exit code 2) that names them, in the order the group lists them, e.g. {@code Missing
 * command: verify or sync.}
 */
public abstract class CommandGroup implements Runnable {
  @Spec protected CommandSpec spec;

  @Override
  public void run() {
    List<String> names =
        spec.subcommands().values().stream().map(CommandLine::getCommandName).distinct().toList();
    throw new CommandLine.ParameterException(
        spec.commandLine(), "Missing command: " + listing(names) + ".");
  }

  /** {@code a}, {@code a or b}, {@code a, b or c}. */
  static String listing(List<String> names) {
    if (names.size() < 2) {
      return String.join("", names);
    }
    return String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.getLast();
  }
}
