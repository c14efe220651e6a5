package io.cvmavs.localnet.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ToolRunTest {
  @TempDir Path dir;

  @Test
  void returnsOutputOfASuccessfulRun() {
    String out =
        ToolRun.run(
            List.of("/bin/bash", "-c", "echo out-$X; echo err-line >&2"),
            dir,
            Map.of("X", "1"),
            dir.resolve("run.log"),
            Duration.ofSeconds(10));
    assertThat(out).contains("out-1").contains("err-line");
  }

  @Test
  void nonZeroExitFailsWithCodeAndOutput() {
    assertThatThrownBy(
            () ->
                ToolRun.run(
                    List.of("/bin/bash", "-c", "echo why-it-failed; exit 7"),
                    dir,
                    Map.of(),
                    dir.resolve("run.log"),
                    Duration.ofSeconds(10)))
        .isInstanceOf(LocalProcessException.class)
        .hasMessageContaining("exit code 7")
        .hasMessageContaining("why-it-failed");
  }

  @Test
  void overrunIsKilledAndReported() {
    assertThatThrownBy(
            () ->
                ToolRun.run(
                    List.of("/bin/bash", "-c", "sleep 30"),
                    dir,
                    Map.of(),
                    dir.resolve("run.log"),
                    Duration.ofMillis(300)))
        .isInstanceOf(LocalProcessException.class)
        .hasMessageContaining("did not finish within");
  }

  @Test
  void privateKeysAreRedactedFromMessages() {
    assertThatThrownBy(
            () ->
                ToolRun.run(
                    List.of(dir.resolve("missing-tool").toString(), "--private-key", "0xsecret"),
                    dir,
                    Map.of(),
                    dir.resolve("run.log"),
                    Duration.ofSeconds(5)))
        .isInstanceOf(LocalProcessException.class)
        .hasMessageContaining("<redacted>")
        .hasMessageNotContaining("0xsecret");
  }
}
