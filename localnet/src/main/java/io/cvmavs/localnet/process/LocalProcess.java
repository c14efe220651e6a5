package io.cvmavs.localnet.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real local process (anvil, arlocal, S3Mock, ...) started for a test or the devnet: started with
 * its output in a log file, probed until ready, and stopped by PID together with every descendant
 * process.
 *
 * <p>Every started process is also registered with a JVM shutdown hook, so a test JVM that dies (or
 * a devnet interrupted with Ctrl-C) leaves no orphans. {@link #close()} is idempotent.
 */
public final class LocalProcess implements AutoCloseable {
  private static final Duration STOP_GRACE = Duration.ofSeconds(5);

  private final String name;
  private final Process process;
  private final Path logFile;
  private final Thread shutdownHook;
  private volatile boolean closed;

  private LocalProcess(String name, Process process, Path logFile) {
    this.name = name;
    this.process = process;
    this.logFile = logFile;
    this.shutdownHook = new Thread(this::stopNow, "stop-" + name);
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Starts {@code spec} and waits until its readiness probe answers.
   *
   * @throws LocalProcessException if the executable is missing, the process exits early, or it is
   *     not ready within {@link ProcessSpec#startTimeout()}; the message includes the tail of its
   *     log.
   */
  public static LocalProcess start(ProcessSpec spec) {
    Objects.requireNonNull(spec, "spec");
    Path executable = Path.of(spec.command().getFirst());
    if (executable.isAbsolute() && !Files.isExecutable(executable)) {
      throw new LocalProcessException(
          spec.name()
              + ": executable not found or not executable: "
              + executable
              + spec.installHint());
    }
    try {
      Files.createDirectories(spec.logFile().toAbsolutePath().getParent());
      ProcessBuilder builder =
          new ProcessBuilder(spec.command())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.to(spec.logFile().toFile()));
      spec.workingDirectory().ifPresent(dir -> builder.directory(dir.toFile()));
      Map<String, String> env = builder.environment();
      env.putAll(spec.environment());
      LocalProcess started = new LocalProcess(spec.name(), builder.start(), spec.logFile());
      try {
        started.awaitReady(spec.readiness(), spec.startTimeout());
      } catch (RuntimeException e) {
        started.close();
        throw e;
      }
      return started;
    } catch (IOException e) {
      throw new LocalProcessException(
          spec.name() + ": could not start " + spec.command() + ": " + e.getMessage(), e);
    }
  }

  private void awaitReady(ReadinessProbe probe, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    Exception lastFailure = null;
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new LocalProcessException(
            name
                + " exited with code "
                + process.exitValue()
                + " before it was ready. Log "
                + logFile
                + ":\n"
                + logTail());
      }
      try {
        if (probe.isReady()) {
          return;
        }
      } catch (Exception e) {
        lastFailure = e;
      }
      sleep(Duration.ofMillis(50));
    }
    throw new LocalProcessException(
        name
            + " was not ready within "
            + timeout
            + (lastFailure == null ? "" : " (last probe error: " + lastFailure.getMessage() + ")")
            + ". Log "
            + logFile
            + ":\n"
            + logTail());
  }

  /** The process name given in its spec (e.g. {@code anvil}). */
  public String name() {
    return name;
  }

  /** Operating-system process id. */
  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Where the process's stdout and stderr go. */
  public Path logFile() {
    return logFile;
  }

  /** The last lines of the log, for error messages. */
  public String logTail() {
    try {
      List<String> lines = Files.readAllLines(logFile);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  /** Stops the process and its descendants: SIGTERM, then SIGKILL after a grace period. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    stopNow();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // The JVM is already shutting down and running the hook itself.
    }
  }

  private synchronized void stopNow() {
    if (closed) {
      return;
    }
    closed = true;
    List<ProcessHandle> descendants = process.descendants().toList();
    process.destroy();
    descendants.forEach(ProcessHandle::destroy);
    try {
      if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    for (ProcessHandle descendant : descendants) {
      awaitExit(descendant);
    }
  }

  private static void awaitExit(ProcessHandle handle) {
    try {
      handle.onExit().get(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      handle.destroyForcibly();
    } catch (InterruptedException e) {
      handle.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LocalProcessException("interrupted while waiting for a process to become ready", e);
    }
  }
}
