package io.cvmavs.localnet.process;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How to start one local service: its command, environment, log file, readiness probe and start
 * timeout. Each kind of service (anvil today; arlocal, S3Mock, the IPFS test daemon later) builds
 * one of these and hands it to {@link LocalProcess#start}.
 *
 * @param installHint appended to "executable not found" errors, e.g. how to install the tool.
 */
public record ProcessSpec(
    String name,
    List<String> command,
    Map<String, String> environment,
    Optional<Path> workingDirectory,
    Path logFile,
    ReadinessProbe readiness,
    Duration startTimeout,
    String installHint) {

  public ProcessSpec {
    Objects.requireNonNull(name, "name");
    command = List.copyOf(command);
    if (command.isEmpty()) {
      throw new IllegalArgumentException(name + ": empty command");
    }
    environment = Map.copyOf(environment);
    Objects.requireNonNull(workingDirectory, "workingDirectory");
    Objects.requireNonNull(logFile, "logFile");
    Objects.requireNonNull(readiness, "readiness");
    Objects.requireNonNull(startTimeout, "startTimeout");
    installHint = installHint == null ? "" : installHint;
  }
}
