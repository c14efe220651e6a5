package io.cvmavs.operator.registration;

import io.cvmavs.chain.rpc.ChainAccess;
import io.cvmavs.chain.rpc.Transactor;
import io.cvmavs.operator.command.CliCommand;
import io.cvmavs.operator.command.CliContext;
import io.cvmavs.operator.config.OperatorConfig;
import io.cvmavs.operator.config.OperatorConfigFile;
import io.cvmavs.operator.keys.KeystoreAccess;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code cvm-avs operator update-socket --config F [--socket HOST:PORT]}. */
@Command(
    name = "update-socket",
    mixinStandardHelpOptions = true,
    description =
        "Publish the operator's socket in CvmRegistry (updateSocket); nothing is sent when the"
            + " registry already holds it.")
public final class UpdateSocketCommand extends CliCommand {
  @Mixin OperatorConfigFile config;

  @Option(
      names = "--socket",
      paramLabel = "HOST:PORT",
      description = "The new socket (default: operator_socket of the configuration).")
  String socket;

  @Override
  public Integer call() {
    OperatorConfig c = config.load();
    String value = socket != null ? socket : c.socket();
    if (value == null || value.isBlank()) {
      throw new ParameterException(
          spec.commandLine(),
          "no --socket given and operator_socket is not set in " + config.file());
    }
    OperatorSocket parsed;
    try {
      parsed = OperatorSocket.parse(value);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(),
          (socket != null ? "--socket" : config.file() + ": field 'operator_socket'")
              + ": "
              + e.getMessage());
    }
    KeystoreAccess keys = new KeystoreAccess(CliContext.of(spec));
    Transactor operator =
        ChainAccess.open(c.ethRpcUrl(), keys.openEcdsa(c.ecdsaKeystore()), c.chainId());
    PrintWriter out = spec.commandLine().getOut();
    new OperatorLifecycle(RegistrationContracts.from(c), operator, out::println)
        .updateSocket(parsed);
    return 0;
  }
}
