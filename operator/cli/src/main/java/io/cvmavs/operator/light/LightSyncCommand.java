package io.cvmavs.operator.light;

import io.cvmavs.consensus.light.GoDuration;
import io.cvmavs.consensus.light.LightVerifier;
import io.cvmavs.consensus.rpc.CometRpcClient;
import io.cvmavs.consensus.rpc.LightSyncTool;
import io.cvmavs.operator.command.CliCommand;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cvm-avs light sync --rpc URL --trusted-height H --trusted-hash X --trusting-period D [--to
 * N]}: {@link LightSyncTool}.
 */
@Command(
    name = "sync",
    mixinStandardHelpOptions = true,
    description = {
      "Verify a CometBFT node's headers from a trusted height and hash (got out of band), by bisection.",
      "Prints one JSON line per verified header {\"height\", \"hash\", \"time\"}; with --to stops there,",
      "otherwise follows the node's latest height until interrupted."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:done",
      "1:the node failed (the JSON line says how)",
      "2:unusable arguments",
      "4:a header was INVALID (the JSON line says why)"
    })
public final class LightSyncCommand extends CliCommand {
  @Option(
      names = "--rpc",
      required = true,
      paramLabel = "URL",
      description = "The node's RPC, e.g. http://127.0.0.1:26657.")
  URI rpc;

  @Option(names = "--trusted-height", required = true, paramLabel = "H")
  long trustedHeight;

  @Option(
      names = "--trusted-hash",
      required = true,
      paramLabel = "HEX",
      description = "Block hash at the trusted height.")
  String trustedHash;

  @Mixin TrustOptions trust;

  @Option(
      names = "--to",
      paramLabel = "N",
      description = "Stop at this height (default: follow the latest).")
  Long to;

  @Option(
      names = "--interval",
      paramLabel = "DURATION",
      defaultValue = "1s",
      description = "Polling interval when following (default 1s).")
  String interval;

  @Override
  public Integer call() throws InterruptedException {
    if (to != null && to <= trustedHeight) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--to " + to + " must be above --trusted-height " + trustedHeight);
    }
    LightVerifier.Options options;
    Duration poll;
    try {
      options = trust.parse();
      poll = GoDuration.parse(interval);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    CometRpcClient client;
    try {
      client = new CometRpcClient(rpc, Duration.ofSeconds(30));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--rpc: " + e.getMessage());
    }
    try (client) {
      LightSyncTool tool = new LightSyncTool(client, Instant::now, spec.commandLine().getOut());
      return tool.run(
          new LightSyncTool.Settings(trustedHeight, trustedHash, options, to, poll), () -> false);
    }
  }
}
