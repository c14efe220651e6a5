package io.cvmavs.operator.stake;

import io.cvmavs.chain.rpc.BatchRpc;
import io.cvmavs.operator.command.CliCommand;
import io.cvmavs.stake.aggregate.AggregateResult;
import io.cvmavs.stake.aggregate.ReportFormat;
import io.cvmavs.stake.aggregate.StakeAggregator;
import io.cvmavs.stake.chain.RpcStakeReader;
import io.cvmavs.stake.config.StakeConfig;
import io.cvmavs.stake.config.StakeConfigLoader;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cvm-avs stake validator-set --config F [--block N] [--json]}: reads the chain at the epoch
 * boundary of block N (default: the latest block) and prints the validator set, each operator's
 * components, the updates against the previous epoch and the security figures.
 */
@Command(
    name = "validator-set",
    mixinStandardHelpOptions = true,
    description = {
      "Compute the CometBFT validator set of the epoch containing an Ethereum block from live",
      "contracts: per operator its $C stake, restaked shares per strategy, power and whether the cap",
      "applied; the ValidatorUpdates against the previous epoch; slashable value and cost to corrupt.",
      "Statistics (time, JSON-RPC requests) go to stderr."
    })
public final class ValidatorSetCommand extends CliCommand {
  @Option(
      names = "--config",
      required = true,
      paramLabel = "FILE",
      description = "stake.yaml (see stake-aggregator/README.md)")
  Path config;

  @Option(
      names = "--block",
      paramLabel = "N",
      description = "Ethereum block (default: latest); the set is read at its epoch's first block.")
  Long block;

  @Option(names = "--json", description = "Print JSON instead of the text report.")
  boolean json;

  @Override
  public Integer call() {
    if (block != null && block < 0) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--block must not be negative, got " + block);
    }
    StakeConfig cfg = StakeConfigLoader.load(config);
    long started = System.nanoTime();
    try (BatchRpc rpc = new BatchRpc(cfg.ethRpcUrl().toString(), cfg.maxCallsPerRequest())) {
      AggregateResult result =
          new StakeAggregator(new RpcStakeReader(rpc, cfg), cfg).atBlock(block);
      long millis = (System.nanoTime() - started) / 1_000_000;
      spec.commandLine()
          .getOut()
          .print(json ? ReportFormat.json(result) : ReportFormat.text(result));
      spec.commandLine().getOut().flush();
      spec.commandLine()
          .getErr()
          .printf(
              "read %d operators at block %d%s in %d ms: %d JSON-RPC requests in %d rounds%n",
              result.current().operators().size(),
              result.current().block(),
              result.previous() == null ? "" : " and block " + result.previous().block(),
              millis,
              rpc.httpRequests(),
              rpc.rounds());
      spec.commandLine().getErr().flush();
    }
    return 0;
  }
}
