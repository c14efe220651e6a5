package io.cvmavs.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CvmAvsCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = CvmAvsCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void versionPrintsProjectAndJavaVersion() {
    assertThat(run("--version")).isZero();
    assertThat(out.toString()).startsWith("cvm-avs ").contains("Java ");
  }

  @Test
  void helpListsCommandsAndExitCodes() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("devnet").contains("Exit codes").contains("usage error");
  }

  @Test
  void nodeHelpTellsHowToJoinTheDevnetsManuscriptAndFormatsCleanly() {
    java.io.PrintStream stderr = System.err;
    java.io.ByteArrayOutputStream picocliWarnings = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(picocliWarnings, true));
    try {
      assertThat(run("node", "--help")).isZero();
    } finally {
      System.setErr(stderr);
    }
    assertThat(out.toString().replaceAll("\\s+", " "))
        .contains("The devnet attests the text 'cvm-avs devnet: ERC-20 token transfers'")
        .contains("printf '%s' 'cvm-avs devnet: ERC-20 token transfers'");
    assertThat(picocliWarnings.toString()).as("picocli's own warnings").doesNotContain("WARN");
  }

  @Test
  void unknownCommandIsAUsageErrorWithSuggestions() {
    assertThat(run("devnt")).isEqualTo(2);
    assertThat(err.toString())
        .contains("unknown command 'devnt'")
        .contains("Did you mean")
        .contains("cvm-avs devnet")
        .contains("--help");
  }

  @Test
  void noCommandIsAUsageError() {
    assertThat(run()).isEqualTo(2);
    assertThat(err.toString()).contains("Missing command");
  }

  @Test
  void badOptionValueIsAUsageError() {
    assertThat(run("devnet", "--port", "nope")).isEqualTo(2);
    assertThat(err.toString()).contains("--port").contains("nope");
  }

  @Test
  void aBadAggregatorListenAddressIsAUsageErrorNamingTheOption() {
    assertThat(run("aggregator", "--config", "absent.yaml", "--listen", "127.0.0.1")).isEqualTo(2);
    assertThat(err.toString()).contains("--listen: expected host:port, got '127.0.0.1'");
  }
}
