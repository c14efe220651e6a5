package io.cvmavs.operator.command;

import java.util.function.Function;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What every subcommand may take from the process around it, injected once at the root so tests can
 * replace it: the environment (passwords come from {@code OPERATOR_*_KEY_PASSWORD}).
 */
public record CliContext(Function<String, String> environment) {
  public static CliContext system() {
    return new CliContext(System::getenv);
  }

  /** The context of the command line that {@code spec} belongs to. */
  public static CliContext of(CommandSpec spec) {
    return ((CliRoot) spec.root().userObject()).context();
  }
}
