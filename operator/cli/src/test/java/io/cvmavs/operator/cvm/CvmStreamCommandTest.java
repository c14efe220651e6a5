package io.cvmavs.operator.cvm;

import static org.assertj.core.api.Assertions.assertThat;

import io.cvmavs.common.lock.ProcessFileLock;
import io.cvmavs.operator.cli.CliRun;
import io.cvmavs.operator.cli.CvmAvsCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code cvm stream}'s refusals through the real command line, before any job or RPC: exit codes
 * and messages a user sees (the run itself, killed and restarted, is in {@code LauncherIT}).
 */
class CvmStreamCommandTest {
  @TempDir Path dir;
  final StringWriter err = new StringWriter();

  int run(String... args) {
    return CliRun.run(new StringWriter(), err, CliRun.words(args, "cvm", "stream"));
  }

  private Path manuscript(String sinkType) throws Exception {
    return Files.writeString(
        dir.resolve(sinkType + ".yaml"),
        """
        name: m
        specVersion: v1.0.0
        sources:
          - {name: txs, type: dataset, dataset: anvil.transactions}
        sinks:
          - {name: out, type: %s, from: txs%s}
        """
            .formatted(
                sinkType, sinkType.equals("dataset") ? ", primary_key: transaction_hash" : ""));
  }

  @Test
  void aManuscriptThatCannotStreamIsRefusedWithItsProblemsAndNoStackTraceHint() throws Exception {
    Path file = manuscript("dataset");
    assertThat(run(file.toString(), "--rpc", "http://127.0.0.1:1", "--state", dir.toString()))
        .isEqualTo(1);
    assertThat(err.toString())
        .contains(file + " cannot be streamed:")
        .contains("sink 'out' (")
        .contains("dataset sinks are attested per block range")
        .doesNotContain("--debug");
  }

  @Test
  void badOptionsAreUsageErrors() throws Exception {
    Path file = manuscript("print");
    assertThat(run(file.toString(), "--rpc", "http://127.0.0.1:1", "--keep-checkpoints", "0"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--keep-checkpoints must be >= 1");
    assertThat(run(file.toString(), "--rpc", "http://127.0.0.1:1", "--from", "9", "--to", "3"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--to 3 is below --from 9");
  }

  @Test
  void aStateDirectoryInUseIsRefusedNamingTheHolder() throws Exception {
    Path file = manuscript("print");
    Path state = Files.createDirectories(dir.resolve("state"));
    try (ProcessFileLock held =
        ProcessFileLock.acquire(
            state.resolve("stream.lock"),
            ProcessFileLock.Option.CREATE,
            ProcessFileLock.Option.RECORD_PID)) {
      assertThat(run(file.toString(), "--rpc", "http://127.0.0.1:1", "--state", state.toString()))
          .isEqualTo(1);
    }
    assertThat(err.toString())
        .contains(
            "--state "
                + state.toAbsolutePath().normalize()
                + " is in use by another cvm stream (PID "
                + ProcessHandle.current().pid()
                + ")")
        .doesNotContain("--debug");
  }

  @Test
  void helpListsOnlyWhatAStreamUses() throws Exception {
    StringWriter help = new StringWriter();
    CommandLine cl = CvmAvsCommand.commandLine();
    cl.setOut(new PrintWriter(help, true));
    assertThat(cl.execute("cvm", "stream", "--help")).isZero();
    assertThat(help.toString())
        .contains("--keep-checkpoints=N", "--from=B", "Exit codes:")
        .doesNotContain("--segment-blocks", "--traces", "--data");
    Path file = manuscript("print");
    assertThat(run(file.toString(), "--rpc", "http://127.0.0.1:1", "--traces")).isEqualTo(2);
    assertThat(err.toString()).contains("Unknown option: '--traces'");
  }

  /** {@code cvm serve --follow} without what it needs is a usage error before anything starts. */
  @Test
  void serveFollowNeedsAnRpcAFirstBlockAndAPositiveSpan() {
    CommandLine cl = CvmAvsCommand.commandLine();
    cl.setOut(new PrintWriter(new StringWriter(), true));
    cl.setErr(new PrintWriter(err, true));
    String blocks = dir.resolve("blocks").toString();
    assertThat(cl.execute("cvm", "serve", "--follow", "--blocks", blocks, "--port", "0"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--follow needs --rpc URL and --from BLOCK");
    assertThat(
            cl.execute(
                "cvm",
                "serve",
                "--follow",
                "--rpc",
                "http://127.0.0.1:1",
                "--from",
                "5",
                "--span",
                "0",
                "--blocks",
                blocks,
                "--port",
                "0"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--span and --poll must be positive").contains("--span 0");
    assertThat(Files.exists(dir.resolve("blocks"))).as("no block store was opened").isFalse();
  }
}
