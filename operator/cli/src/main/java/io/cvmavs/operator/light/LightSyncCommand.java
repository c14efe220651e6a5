package io.cvmavs.operator.light;

import io.cvmavs.chain.rpc.RpcUrls;
import io.cvmavs.consensus.light.GoDuration;
import io.cvmavs.consensus.light.LightVerifier;
import io.cvmavs.consensus.rpc.CometRpcClient;
import io.cvmavs.consensus.rpc.LightSyncTool;
import io.cvmavs.consensus.rpc.RpcProvider;
import io.cvmavs.operator.command.CliCommand;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cvm-avs light sync --rpc URL --trusted-height H --trusted-hash X --trusting-period D [--to
 * N] [--witness URL]...}: {@link LightSyncTool}.
 */
@Command(
    name = "sync",
    mixinStandardHelpOptions = true,
    description = {
      "Verify a CometBFT node's headers from a trusted height and hash (got out of band), by bisection.",
      "Prints one JSON line per verified header {\"height\", \"hash\", \"time\"}; with --to stops there,",
      "otherwise follows the node's latest height until interrupted. With --witness, each verified header",
      "is cross-checked against every witness: a witness that proves a conflicting header is a light-client",
      "attack (one JSON line with CometBFT's LightClientAttackEvidence, exit 5); one whose conflicting header",
      "does not verify is dropped with a warning on stderr; one that does not answer is warned about."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:done",
      "1:the node failed (the JSON line says how)",
      "2:unusable arguments",
      "4:a header was INVALID (the JSON line says why)",
      "5:a witness proved a conflicting header: light-client attack (the JSON line carries the evidence)"
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

  @Option(
      names = "--witness",
      paramLabel = "URL",
      description =
          "A witness node's RPC to cross-check each verified header against (repeatable).")
  List<URI> witnesses = new ArrayList<>();

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
    List<CometRpcClient> witnessClients = new ArrayList<>();
    List<LightSyncTool.Witness> ws = new ArrayList<>();
    try (client) {
      for (URI w : witnesses) {
        CometRpcClient c;
        try {
          c = new CometRpcClient(w, Duration.ofSeconds(30));
        } catch (IllegalArgumentException e) {
          throw new CommandLine.ParameterException(
              spec.commandLine(),
              "--witness " + RpcUrls.redact(w.toString()) + ": " + e.getMessage());
        }
        witnessClients.add(c);
        // the name is printed: credentials in the URL are not
        ws.add(new LightSyncTool.Witness(RpcUrls.redact(w.toString()), new RpcProvider(c)));
      }
      LightSyncTool tool =
          new LightSyncTool(
              client, ws, Instant::now, spec.commandLine().getOut(), spec.commandLine().getErr());
      return tool.run(
          new LightSyncTool.Settings(trustedHeight, trustedHash, options, to, poll), () -> false);
    } finally {
      witnessClients.forEach(CometRpcClient::close);
    }
  }
}
