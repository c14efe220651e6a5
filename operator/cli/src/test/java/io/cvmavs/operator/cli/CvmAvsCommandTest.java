package io.cvmavs.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cvmavs.operator.command.CliContext;
import io.cvmavs.operator.command.CliRoot;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CvmAvsCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return CliRun.run(out, err, args);
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
        .contains("[--manuscript=FILE]...")
        .contains(
            "Optional for the node and the challenger when the deployment has a"
                + " CvmManuscriptRegistry")
        .contains("The devnet attests devnet-erc20-volume.yaml, written into its run folder");
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
  void aGroupRunWithoutItsCommandIsAUsageErrorNamingThem() {
    Map<String, String> expected =
        Map.of(
            "consensus", "Missing command: genesis or serve.",
            "stake", "Missing command: validator-set.",
            "light", "Missing command: verify or sync.",
            "storage", "Missing command: recover, audit, assign, attest or import-arweave-key.",
            "db3", "Missing command: sign, apply, submit, query or root.",
            "cvm", "Missing command: prove, prove-checkpoint, verify, serve or stream.",
            "manuscript",
                "Missing command: validate, run, register, list, show, deprecate or revoke.");
    expected.forEach(
        (group, message) -> {
          err.getBuffer().setLength(0);
          assertThat(run(group)).as(group).isEqualTo(2);
          assertThat(err.toString())
              .as(group)
              .startsWith("cvm-avs: " + message + System.lineSeparator());
        });
  }

  @Test
  void aServicesConfigOptionNamesItsAccountInTheHelp() {
    for (String service : List.of("aggregator", "task-generator")) {
      out.getBuffer().setLength(0);
      assertThat(run(service, "--help")).isZero();
      assertThat(out.toString().replaceAll("\\s+", " "))
          .contains("--config=FILE operator.yaml of the " + service + " account");
    }
  }

  @Test
  void badOptionValueIsAUsageError() {
    assertThat(run("devnet", "--port", "nope")).isEqualTo(2);
    assertThat(err.toString()).contains("--port").contains("nope");
  }

  private static void collect(CommandLine command, List<String> names) {
    names.add(command.getCommandSpec().qualifiedName());
    command.getSubcommands().values().forEach(sub -> collect(sub, names));
  }

  @Test
  void commandTreeIsUnchangedByThePackageLayout() {
    List<String> names = new ArrayList<>();
    collect(CvmAvsCommand.commandLine(), names);

    assertThat(names).containsExactlyElementsOf(EXPECTED_TREE);
  }

  @Test
  void newCommandLineFromTheRootCarriesTheGivenContextAndTheRootsErrorHandling() {
    CliContext first = new CliContext(Map.of("A", "1")::get);
    CliContext second = new CliContext(Map.of("B", "2")::get);
    CliRoot root = (CliRoot) CvmAvsCommand.commandLine(first).getCommand();

    CommandLine made = root.newCommandLine(second);

    assertThat(root.context()).isSameAs(first);
    Object madeRoot = made.getCommand();
    assertThat(madeRoot).isInstanceOf(CvmAvsCommand.class).isNotSameAs(root);
    assertThat(CliContext.of(made.getSubcommands().get("keys").getCommandSpec())).isSameAs(second);
    StringWriter madeErr = new StringWriter();
    made.setErr(new PrintWriter(madeErr, true));
    assertThat(made.execute("devnt")).isEqualTo(2);
    assertThat(madeErr.toString()).contains("unknown command 'devnt'");
  }

  /** Every command of {@code cvm-avs}, depth first in declaration order. */
  private static final List<String> EXPECTED_TREE =
      List.of(
          "cvm-avs",
          "cvm-avs keys",
          "cvm-avs keys create",
          "cvm-avs keys import",
          "cvm-avs keys show",
          "cvm-avs keys bls-sign",
          "cvm-avs operator",
          "cvm-avs operator check-config",
          "cvm-avs operator register",
          "cvm-avs operator update-socket",
          "cvm-avs operator deregister",
          "cvm-avs operator status",
          "cvm-avs ingest",
          "cvm-avs manuscript",
          "cvm-avs manuscript validate",
          "cvm-avs manuscript run",
          "cvm-avs manuscript register",
          "cvm-avs manuscript list",
          "cvm-avs manuscript show",
          "cvm-avs manuscript deprecate",
          "cvm-avs manuscript revoke",
          "cvm-avs cvm",
          "cvm-avs cvm prove",
          "cvm-avs cvm prove-checkpoint",
          "cvm-avs cvm verify",
          "cvm-avs cvm serve",
          "cvm-avs cvm stream",
          "cvm-avs node",
          "cvm-avs aggregator",
          "cvm-avs challenger",
          "cvm-avs task-generator",
          "cvm-avs monitor",
          "cvm-avs slashing-protection",
          "cvm-avs slashing-protection export",
          "cvm-avs slashing-protection import",
          "cvm-avs stake",
          "cvm-avs stake validator-set",
          "cvm-avs rewards",
          "cvm-avs rewards run",
          "cvm-avs light",
          "cvm-avs light verify",
          "cvm-avs light sync",
          "cvm-avs anchor",
          "cvm-avs storage",
          "cvm-avs storage recover",
          "cvm-avs storage audit",
          "cvm-avs storage assign",
          "cvm-avs storage attest",
          "cvm-avs storage import-arweave-key",
          "cvm-avs consensus",
          "cvm-avs consensus genesis",
          "cvm-avs consensus serve",
          "cvm-avs relayer",
          "cvm-avs relayer run",
          "cvm-avs relayer status",
          "cvm-avs bridge",
          "cvm-avs bridge deposit",
          "cvm-avs bridge withdraw",
          "cvm-avs bridge claim",
          "cvm-avs bridge status",
          "cvm-avs devnet",
          "cvm-avs db3",
          "cvm-avs db3 sign",
          "cvm-avs db3 apply",
          "cvm-avs db3 submit",
          "cvm-avs db3 query",
          "cvm-avs db3 root",
          "cvm-avs help");

  @Test
  void aBadAggregatorListenAddressIsAUsageErrorNamingTheOption() {
    assertThat(run("aggregator", "--config", "absent.yaml", "--listen", "127.0.0.1")).isEqualTo(2);
    assertThat(err.toString()).contains("--listen: expected host:port, got '127.0.0.1'");
  }
}
