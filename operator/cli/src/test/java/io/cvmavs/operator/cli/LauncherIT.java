package io.cvmavs.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cvmavs.localnet.process.RepoLayout;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built jar started the way users start it — {@code bin/cvm-avs} and plain {@code java -jar} —
 * on the JDK of this build, running {@code cvm serve}, which loads native code (RocksDB, Netty) and
 * embeds Flink: the JVM prints no {@code WARNING:} line (JDK 24+ warns about restricted methods
 * unless native access is enabled, and about {@code sun.misc.Unsafe} use by Flink's RPC system).
 */
class LauncherIT {
  @TempDir Path work;

  @Test
  void theLauncherStartsWithoutJvmWarnings() throws Exception {
    Path root = RepoLayout.locate().root();
    List<String> printed = serveUntilListening(List.of(root.resolve("bin/cvm-avs").toString()));
    assertThat(printed).as(String.join("\n", printed)).noneMatch(l -> l.startsWith("WARNING:"));
  }

  @Test
  void theJarStartsWithoutTheRestrictedMethodWarning() throws Exception {
    Path jar = RepoLayout.locate().root().resolve("operator/cli/target/cvm-avs.jar");
    List<String> printed =
        serveUntilListening(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar.toString()));
    assertThat(printed)
        .as(String.join("\n", printed))
        .noneMatch(l -> l.contains("WARNING: A restricted method"))
        .noneMatch(l -> l.contains("--enable-native-access"));
  }

  /** Runs {@code command cvm serve} until it listens; returns every line it printed until then. */
  private List<String> serveUntilListening(List<String> command) throws Exception {
    List<String> args = new ArrayList<>(command);
    args.addAll(
        List.of(
            "cvm",
            "serve",
            "--port",
            "0",
            "--data",
            work.resolve("data").toString(),
            "--blocks",
            work.resolve("blocks").toString()));
    ProcessBuilder builder = new ProcessBuilder(args).directory(work.toFile());
    builder.redirectErrorStream(true);
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    builder.environment().put("CVMAVS_SKIP_BUILD", "1"); // test the jar this build made
    Process process = builder.start();
    List<String> lines = new ArrayList<>();
    Instant deadline = Instant.now().plusSeconds(120);
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        lines.add(line);
        if (line.startsWith("CVM interface on")) {
          return lines;
        }
        assertThat(Instant.now()).as(String.join("\n", lines)).isBefore(deadline);
      }
      throw new AssertionError("cvm serve ended before listening:\n" + String.join("\n", lines));
    } finally {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
