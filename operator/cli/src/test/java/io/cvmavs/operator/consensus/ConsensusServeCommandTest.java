package io.cvmavs.operator.consensus;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code consensus serve}'s refusals of unusable arguments, before anything is opened. */
class ConsensusServeCommandTest {
  @TempDir Path dir;

  private final StringWriter err = new StringWriter();

  private int run(String... extra) {
    CommandLine cli = new CommandLine(new ConsensusCommand());
    cli.setErr(new PrintWriter(err, true));
    String[] base = {
      "serve",
      "--config",
      dir.resolve("operator.yaml").toString(),
      "--stake-config",
      dir.resolve("stake.yaml").toString()
    };
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    return cli.execute(args);
  }

  @Test
  void aListenAddressWithoutAPortIsRefusedNamingIt() {
    assertThat(run("--listen", "127.0.0.1")).isEqualTo(2);
    assertThat(err.toString()).contains("--listen '127.0.0.1'");
  }

  @Test
  void aNegativeFinalityDepthIsRefused() {
    assertThat(run("--eth-final-depth", "-1")).isEqualTo(2);
    assertThat(err.toString()).contains("--eth-final-depth must be >= 0");
  }

  @Test
  void aMissingOperatorConfigIsNamed() {
    assertThat(run()).isNotZero();
    assertThat(err.toString()).contains("operator.yaml");
  }
}
