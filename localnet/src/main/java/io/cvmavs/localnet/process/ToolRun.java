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
    Process process = null;
    try {
      Files.createDirectories(logFile.toAbsolutePath().getParent());
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(workingDirectory.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.to(logFile.toFile()));
      builder.environment().putAll(environment);
      process = builder.start();
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
      throw new LocalProcessException(
          "could not run " + redact(command) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      if (process != null) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
      }
      Thread.currentThread().interrupt();
      throw new LocalProcessException("interrupted while running " + name + " (stopped it)", e);
    }
  }

  /** The command for messages, with the value after {@code --private-key} hidden. */
  static String redact(List<String> command) {
    StringBuilder out = new StringBuilder("[");
    for (int i = 0; i < command.size(); i++) {
      boolean secret = i > 0 && command.get(i - 1).equals("--private-key");
      out.append(i == 0 ? "" : ", ").append(secret ? "<redacted>" : command.get(i));
    }
    return out.append(']').toString();
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
