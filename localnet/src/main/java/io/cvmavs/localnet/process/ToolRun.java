package io.cvmavs.localnet.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command-line tool (forge, cast, ...) to completion, with its output in a log file and a
 * time limit.
 */
public final class ToolRun {
  private ToolRun() {}

  /**
   * Runs {@code command} in {@code workingDirectory} and returns its output.
   *
   * @throws LocalProcessException if it cannot start, exceeds {@code timeout} (it is then killed)
   *     or exits non-zero; the message has the tail of the output.
   */
  public static String run(
      List<String> command,
      Path workingDirectory,
      Map<String, String> environment,
      Path logFile,
      Duration timeout) {
    String name = Path.of(command.getFirst()).getFileName().toString();
    try {
      Files.createDirectories(logFile.toAbsolutePath().getParent());
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(workingDirectory.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.to(logFile.toFile()));
      builder.environment().putAll(environment);
      Process process = builder.start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new LocalProcessException(
            name + " did not finish within " + timeout + ":\n" + tail(logFile));
      }
      String output = Files.readString(logFile);
      if (process.exitValue() != 0) {
        throw new LocalProcessException(
            name
                + " failed with exit code "
                + process.exitValue()
                + " (log "
                + logFile
                + "):\n"
                + tail(logFile));
      }
      return output;
    } catch (IOException e) {
      throw new LocalProcessException("could not run " + command + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LocalProcessException("interrupted while running " + name, e);
    }
  }

  private static String tail(Path logFile) {
    try {
      List<String> lines = Files.readAllLines(logFile);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }
}
