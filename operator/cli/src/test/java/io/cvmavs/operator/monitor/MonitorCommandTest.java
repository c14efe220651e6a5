package io.cvmavs.operator.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.cvmavs.operator.cli.CliRun;
import io.cvmavs.operator.command.CliContext;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cvm-avs monitor --check}: where alerting starts, and {@code --from-block}. */
class MonitorCommandTest {
  @TempDir Path dir;

  private String[] run(String... args) throws Exception {
    Path file = dir.resolve("monitor.yaml");
    StringBuilder y = new StringBuilder("eth_rpc_url: http://127.0.0.1:8545\naddresses:\n");
    for (String name : MonitorConfig.REQUIRED_CONTRACTS) {
      y.append("  ").append(name).append(": \"0x").append("12".repeat(20)).append("\"\n");
    }
    y.append("start_block: 5\noperators: [\"0x").append("ab".repeat(20)).append("\"]\n");
    Files.writeString(file, y.toString());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        CliRun.run(
            new CliContext(Map.<String, String>of()::get),
            out,
            err,
            CliRun.words(args, "monitor", "--config", file.toString()));
    return new String[] {String.valueOf(exit), out.toString(), err.toString()};
  }

  @Test
  void checkShowsTheHeadByDefaultAndTheFromBlockWhenGiven() throws Exception {
    String[] plain = run("--check");
    assertThat(plain[0]).as(plain[2]).isEqualTo("0");
    assertThat(plain[1]).contains("alerts:     from the chain head on the first run");
    assertThat(plain[1]).contains("operators:  0x" + "ab".repeat(20));
    String[] from = run("--check", "--from-block", "12");
    assertThat(from[0]).as(from[2]).isEqualTo("0");
    assertThat(from[1]).contains("alerts:     from block 12 on the first run");
    String[] negative = run("--check", "--from-block", "-1");
    assertThat(negative[0]).isNotEqualTo("0");
    assertThat(negative[2]).contains("--from-block must be 0 or more, got -1");
  }
}
