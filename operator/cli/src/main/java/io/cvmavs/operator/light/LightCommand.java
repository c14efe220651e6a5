package io.cvmavs.operator.light;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code cvm-avs light …}: the CometBFT light client (module {@code consensus-light}). */
@Command(
    name = "light",
    mixinStandardHelpOptions = true,
    description = "CometBFT light client: verify headers against a trusted one, follow a node.",
    subcommands = {LightVerifyCommand.class, LightSyncCommand.class})
public final class LightCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "Missing command: verify or sync.");
  }
}
