package io.cvmavs.operator.config;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --config FILE} of a service that runs as its own role's account, its help naming the
 * command ("operator.yaml of the aggregator account"): the picocli {@code @Mixin} of {@code
 * aggregator} and {@code task-generator}. ({@link OperatorConfigFile} is the operator's.)
 */
public final class AccountConfigFile {
  @Option(
      names = "--config",
      required = true,
      paramLabel = "FILE",
      description = "operator.yaml of the ${COMMAND-NAME} account")
  Path file;

  /** The file, loaded and validated ({@link ConfigException} naming the file and field if not). */
  public OperatorConfig load() {
    return OperatorConfigLoader.load(file);
  }
}
