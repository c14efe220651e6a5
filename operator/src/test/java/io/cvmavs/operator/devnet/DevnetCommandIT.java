package io.cvmavs.operator.devnet;

import static org.assertj.core.api.Assertions.assertThat;

import io.cvmavs.contracts.Deployments;
import io.cvmavs.localnet.process.RepoLayout;
import io.cvmavs.operator.cli.CvmAvsCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code cvm-avs devnet} in-process — the README's main job — with a real anvil and the real forge
 * deploy script: two operators registered and attesting two CVM blocks on chain, the summary JSON
 * checked, anvil stopped afterwards.
 */
class DevnetCommandIT {
  @Test
  void runsTheFullDevnetToASummaryAndStopsAnvil() throws Exception {
    Path out = Path.of("target", "devnet-it-" + UUID.randomUUID() + ".json");
    StringWriter stdout = new StringWriter();
    CommandLine cli = CvmAvsCommand.commandLine();
    cli.setOut(new PrintWriter(stdout, true));

    Path summary =
        Path.of("target", "devnet-it-summary-" + UUID.randomUUID() + ".json").toAbsolutePath();
    int exit =
        cli.execute(
            "devnet",
            "--port",
            "0",
            "--operators",
            "2",
            "--blocks",
            "2",
            "--cvm-span",
            "2",
            "--deployments-out",
            out.toString(),
            "--summary-json",
            summary.toString());

    String printed = stdout.toString();
    assertThat(exit).as(printed).isZero();
    Deployments deployments = Deployments.read(RepoLayout.locate().root().resolve(out));
    assertThat(printed)
        .contains("[devnet] anvil is up")
        .contains("CToken")
        .contains(deployments.address("CToken"));

    Matcher pid = Pattern.compile("pid (\\d+)").matcher(printed);
    assertThat(pid.find()).isTrue();
    assertThat(
            ProcessHandle.of(Long.parseLong(pid.group(1)))
                .map(ProcessHandle::isAlive)
                .orElse(false))
        .as("anvil stopped when the devnet ended")
        .isFalse();
  }
}
