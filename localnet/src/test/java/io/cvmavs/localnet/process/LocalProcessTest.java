package io.cvmavs.localnet.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The process runtime against real OS processes (bash, sleep): start, readiness, logs, stop with
 * descendants.
 */
class LocalProcessTest {
  @TempDir Path dir;

  private ProcessSpec spec(String script, ReadinessProbe probe, Duration timeout) {
    return new ProcessSpec(
        "test-proc",
        List.of("/bin/bash", "-c", script),
        Map.of("GREETING", "hello"),
        Optional.of(dir),
        dir.resolve("logs/proc.log"),
        probe,
        timeout,
        " (hint)");
  }

  @Test
  void startsWaitsForReadinessCapturesLogAndStopsWithChildren() throws Exception {
    Path marker = dir.resolve("ready");
    String script = "echo $GREETING; sleep 60 & echo $! > child.pid; touch ready; wait";
    try (LocalProcess process =
        LocalProcess.start(spec(script, () -> Files.exists(marker), Duration.ofSeconds(10)))) {
      assertThat(process.isAlive()).isTrue();
      long childPid = Long.parseLong(Files.readString(dir.resolve("child.pid")).trim());
      assertThat(ProcessHandle.of(childPid)).isPresent();
      assertThat(Files.readString(process.logFile())).contains("hello");

      process.close();

      assertThat(process.isAlive()).isFalse();
      assertThat(ProcessHandle.of(childPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
      process.close(); // idempotent
    }
  }

  @Test
  void processThatExitsEarlyFailsWithItsLog() {
    assertThatThrownBy(
            () ->
                LocalProcess.start(
                    spec("echo boom-reason; exit 3", () -> false, Duration.ofSeconds(10))))
        .isInstanceOf(LocalProcessException.class)
        .hasMessageContaining("test-proc exited with code 3")
        .hasMessageContaining("boom-reason");
  }

  @Test
  void processNeverReadyTimesOutIsStoppedAndReportsLastProbeError() throws Exception {
    AtomicInteger probes = new AtomicInteger();
    Path pidFile = dir.resolve("self.pid");
    ReadinessProbe failing =
        () -> {
          if (!Files.exists(pidFile)) {
            return false; // bash has not run yet (a loaded machine)
          }
          probes.incrementAndGet();
          throw new IllegalStateException("connection refused");
        };
    assertThatThrownBy(
            () ->
                LocalProcess.start(
                    spec("echo $$ > self.pid; exec sleep 60", failing, Duration.ofSeconds(3))))
        .isInstanceOf(LocalProcessException.class)
        .hasMessageContaining("not ready within")
        .hasMessageContaining("connection refused");
    assertThat(probes.get()).isGreaterThan(1);
    long pid = Long.parseLong(Files.readString(pidFile).trim());
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
  }

  @Test
  void missingExecutableNamesItAndGivesTheHint() {
    ProcessSpec missing =
        new ProcessSpec(
            "ghost",
            List.of(dir.resolve("no-such-binary").toString()),
            Map.of(),
            Optional.empty(),
            dir.resolve("ghost.log"),
            () -> true,
            Duration.ofSeconds(1),
            " (install it)");
    assertThatThrownBy(() -> LocalProcess.start(missing))
        .isInstanceOf(LocalProcessException.class)
        .hasMessageContaining("ghost: executable not found")
        .hasMessageContaining("no-such-binary")
        .hasMessageContaining("(install it)");
  }

  @Test
  void freePortIsBindable() throws Exception {
    int port = FreePort.onLoopback();
    assertThat(port).isBetween(1, 65_535);
    try (var socket =
        new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
      assertThat(socket.getLocalPort()).isEqualTo(port);
    }
  }
}
