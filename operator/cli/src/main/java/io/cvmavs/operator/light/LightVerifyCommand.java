package io.cvmavs.operator.light;

import io.cvmavs.consensus.light.LightVerifyTool;
import io.cvmavs.operator.command.CliCommand;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cvm-avs light verify --trusted T.json --untrusted U.json --trusting-period D --now RFC3339
 * [--trust-level N/D] [--max-clock-drift D]}: {@link LightVerifyTool}.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Verify an untrusted CometBFT header against a trusted one (VerifyAdjacent / VerifyNonAdjacent).",
      "Each file is {\"signed_header\": …, \"validator_set\": …, \"next_validator_set\": …} in the shapes",
      "CometBFT's RPC returns (/commit's signed_header, /validators' {validators: [...]}); the trusted",
      "file needs next_validator_set, the untrusted one validator_set.",
      "Prints one JSON line {\"verdict\": …, \"reason\": …}."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:SUCCESS",
      "2:unusable input (verdict null; the reason names the file and field)",
      "3:NOT_ENOUGH_TRUST",
      "4:INVALID"
    })
public final class LightVerifyCommand extends CliCommand {
  @Option(
      names = "--trusted",
      required = true,
      paramLabel = "T.json",
      description = "The trusted light block.")
  Path trusted;

  @Option(
      names = "--untrusted",
      required = true,
      paramLabel = "U.json",
      description = "The light block to verify.")
  Path untrusted;

  @Option(
      names = "--now",
      required = true,
      paramLabel = "RFC3339",
      description = "The current time.")
  String now;

  @Mixin TrustOptions trust;

  @Override
  public Integer call() {
    return print(
        LightVerifyTool.run(
            new LightVerifyTool.Arguments(
                trusted,
                untrusted,
                trust.trustingPeriod,
                now,
                trust.trustLevel,
                trust.maxClockDrift)));
  }

  /**
   * A usage error picocli found (a missing required option, an unknown one): the same {@code
   * {"verdict": null, …}} line and exit code 2 as any other unusable input.
   */
  public int usageError(String message) {
    return print(LightVerifyTool.usageError(message));
  }

  private int print(LightVerifyTool.Outcome outcome) {
    spec.commandLine().getOut().println(outcome.line());
    spec.commandLine().getOut().flush();
    return outcome.exitCode();
  }
}
