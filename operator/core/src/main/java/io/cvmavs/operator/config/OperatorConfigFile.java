package io.cvmavs.operator.config;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --config FILE}, the operator.yaml a command runs with: the option of the commands that act
 * as the operator's account ({@code node}, {@code operator …}, {@code manuscript register …},
 * {@code relayer …}, {@code bridge …}), declared once as a picocli {@code @Mixin}.
 */
public final class OperatorConfigFile {
  @Option(names = "--config", required = true, paramLabel = "FILE", description = "operator.yaml")
  Path file;

  /** The file as given. */
  public Path file() {
    return file;
  }

  /** The file, loaded and validated ({@link ConfigException} naming the file and field if not). */
  public OperatorConfig load() {
    return OperatorConfigLoader.load(file);
  }
}
