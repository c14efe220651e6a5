package io.cvmavs.operator.light;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.operator.cli.CliRun;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cvm-avs light verify} through the real command line, on Celestia mocha-4 blocks from
 * ../shared/testdata (CVMAVS_TESTDATA overrides where that is). The verdict logic itself is tested
 * in consensus-light.
 */
class LightCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return CliRun.run(out, err, args);
  }

  private static Path celestia(long height, String file) {
    String configured = System.getenv("CVMAVS_TESTDATA");
    Path root = configured != null && !configured.isBlank() ? Path.of(configured) : null;
    for (Path d = Path.of("").toAbsolutePath(); root == null && d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("foundry.toml"))) {
        root = d.resolveSibling("shared").resolve("testdata");
      }
    }
    return root.resolve("cometbft/celestia-mocha-4").resolve(Long.toString(height)).resolve(file);
  }

  private Path lightBlockFile(long height, boolean withNext) throws Exception {
    ObjectNode f = JSON.createObjectNode();
    f.set(
        "signed_header",
        JSON.readTree(celestia(height, "commit.json").toFile()).at("/result/signed_header"));
    f.set(
        "validator_set",
        JSON.readTree(celestia(height, "validators_1.json").toFile()).get("result"));
    if (withNext) {
      f.set(
          "next_validator_set",
          JSON.readTree(celestia(height + 1, "validators_1.json").toFile()).get("result"));
    }
    Path p = dir.resolve(height + ".json");
    Files.writeString(p, f.toString());
    return p;
  }

  /** {@code light verify} of Celestia's adjacent headers 10000 -> 10001 with {@code options}. */
  private int verifyRealStep(String... options) throws Exception {
    return run(
        CliRun.words(
            options,
            "light",
            "verify",
            "--trusted",
            lightBlockFile(10000, true).toString(),
            "--untrusted",
            lightBlockFile(10001, false).toString()));
  }

  @Test
  void verifiesARealAdjacentStep() throws Exception {
    int code = verifyRealStep("--trusting-period", "336h0m0s", "--now", "2023-09-07T12:50:00Z");
    assertThat(code).as(out + " " + err).isZero();
    JsonNode line = JSON.readTree(out.toString().strip());
    assertThat(line.get("verdict").asText()).isEqualTo("SUCCESS");
    assertThat(out.toString().strip()).doesNotContain("\n");
  }

  @Test
  void expiredTrustIsInvalidWithExitCode4() throws Exception {
    int code =
        verifyRealStep(
            "--trusting-period",
            "1400s",
            "--now",
            "2023-09-08T12:50:00Z",
            "--trust-level",
            "2/3",
            "--max-clock-drift",
            "5s");
    assertThat(code).isEqualTo(4);
    assertThat(JSON.readTree(out.toString()).get("reason").asText()).contains("expired");
  }

  @Test
  void unusableInputAndMissingOptionsExitWith2() throws Exception {
    assertThat(
            run(
                "light",
                "verify",
                "--trusted",
                dir.resolve("none.json").toString(),
                "--untrusted",
                dir.resolve("none.json").toString(),
                "--trusting-period",
                "1h",
                "--now",
                "2023-09-07T12:50:00Z"))
        .isEqualTo(2);
    assertThat(JSON.readTree(out.toString()).get("reason").asText()).contains("no such file");
    assertThat(JSON.readTree(out.toString()).get("verdict").isNull()).isTrue();
  }

  /** A missing required option is unusable input too: the JSON line on stdout, exit code 2. */
  @Test
  void missingOrUnknownOptionsPrintTheJsonLine() throws Exception {
    assertThat(run("light", "verify", "--trusted", "t.json")).isEqualTo(2);
    String[] lines = out.toString().strip().split("\n");
    assertThat(lines).hasSize(1);
    JsonNode line = JSON.readTree(lines[0]);
    assertThat(line.get("verdict").isNull()).isTrue();
    assertThat(line.get("reason").asText())
        .contains("Missing required options")
        .contains("--untrusted")
        .contains("--trusting-period")
        .contains("--now");
    assertThat(err.toString()).contains("light verify --help");
    assertThat(err.toString()).doesNotContain("Usage:");

    out.getBuffer().setLength(0);
    assertThat(
            run(
                "light",
                "verify",
                "--trusted",
                "t.json",
                "--untrusted",
                "u.json",
                "--trusting-period",
                "1h",
                "--now",
                "2023-09-07T12:50:00Z",
                "--colour",
                "red"))
        .isEqualTo(2);
    assertThat(JSON.readTree(out.toString().strip()).get("reason").asText()).contains("--colour");
  }

  /** {@code light sync} against a port nothing listens on, from trusted height 5. */
  private int sync(String trustedHash, String trustingPeriod, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "light",
                "sync",
                "--rpc",
                "http://127.0.0.1:1",
                "--trusted-height",
                "5",
                "--trusted-hash",
                trustedHash,
                "--trusting-period",
                trustingPeriod));
    args.addAll(List.of(more));
    return run(args.toArray(String[]::new));
  }

  @Test
  void syncRefusesBadArgumentsAndReportsAnUnreachableNode() {
    assertThat(sync("AB", "two weeks")).as(err.toString()).isEqualTo(2);
    assertThat(err.toString()).contains("not a Go duration");
    assertThat(sync("AB", "336h", "--to", "3")).isEqualTo(2);
    assertThat(err.toString()).contains("--to 3 must be above --trusted-height 5");
    assertThat(sync("AB".repeat(32), "336h", "--to", "9")).isEqualTo(1);
    assertThat(out.toString()).contains("commit at http://127.0.0.1:1");
    assertThat(sync("AB", "336h", "--to", "9")).isEqualTo(2);
    assertThat(out.toString()).contains("--trusted-hash must be a 32-byte header hash");
    assertThat(sync("AB".repeat(32), "336h", "--to", "9", "--witness", "ftp://127.0.0.1:2"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--witness ftp://127.0.0.1:2");
  }
}
