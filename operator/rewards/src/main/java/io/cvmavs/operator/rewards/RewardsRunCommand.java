package io.cvmavs.operator.rewards;

import io.cvmavs.chain.avs.TaskManagerReader;
import io.cvmavs.chain.rewards.RewardsContracts;
import io.cvmavs.chain.rewards.RewardsSubmission;
import io.cvmavs.chain.rewards.RewardsWriter;
import io.cvmavs.chain.rpc.ChainAccess;
import io.cvmavs.chain.rpc.Transactor;
import io.cvmavs.operator.command.CliCommand;
import io.cvmavs.operator.command.CliContext;
import io.cvmavs.operator.config.OperatorConfig;
import io.cvmavs.operator.config.OperatorConfigLoader;
import io.cvmavs.operator.keys.KeystoreAccess;
import io.cvmavs.operator.monitor.RpcMonitorChain;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cvm-avs rewards run --config F}: the AVS's periodic rewards submitter ({@link
 * RewardsRunner}); the configuration's ECDSA key must be the service manager's rewards initiator
 * (and, with {@code --post-roots}, the devnet coordinator's rewards updater). Progress in {@code
 * <data_dir>/rewards/progress.json}.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description =
        "AVS side: each period, release responded tasks' fees, submit the operator-directed rewards"
            + " submission (rewards-initiator key) and, with --post-roots (devnet), post the root.")
public final class RewardsRunCommand extends CliCommand {
  @Option(
      names = "--config",
      required = true,
      paramLabel = "FILE",
      description = "operator.yaml of the rewards-initiator account")
  Path config;

  @Option(names = "--operator-set", description = "Operator set id (default ${DEFAULT-VALUE}).")
  long operatorSetId = 0;

  @Option(
      names = "--post-roots",
      description =
          "Devnet: also post distribution roots (the account must be the rewards updater).")
  boolean postRoots;

  @Option(names = "--once", description = "Run one step and exit.")
  boolean once;

  @Option(
      names = "--interval-seconds",
      description = "Seconds between steps (default ${DEFAULT-VALUE}).")
  long intervalSeconds = 60;

  @Override
  public Integer call() throws Exception {
    if (intervalSeconds < 1 || operatorSetId < 0) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--interval-seconds must be >= 1 and --operator-set >= 0");
    }
    OperatorConfig c = OperatorConfigLoader.load(config);
    var key = new KeystoreAccess(CliContext.of(spec)).openEcdsa(c.ecdsaKeystore());
    Transactor tx = ChainAccess.open(c.ethRpcUrl(), key, c.chainId());
    RewardsContracts at =
        new RewardsContracts(
            c.address("CvmServiceManager"),
            c.address("RewardsCoordinator"),
            c.address("CvmTaskFees"));
    RewardsRunner runner =
        new RewardsRunner(
            tx.reader(),
            at,
            new RewardsWriter(tx, at),
            new RpcMonitorChain(
                c.ethRpcUrl(),
                c.address("CvmRegistry"),
                c.address("CvmTaskManager"),
                c.startBlock()),
            new TaskManagerReader(tx, c.address("CvmTaskManager")),
            new RewardsRunner.Settings(
                operatorSetId,
                c.address("CToken"),
                List.of(
                    new RewardsSubmission.StrategyMultiplier(
                        c.address("Strategy"), BigInteger.TEN.pow(18))),
                c.startBlock(),
                postRoots),
            c.dataDirectory().resolve("rewards").resolve("progress.json"),
            tx::hasPending);
    var out = spec.commandLine().getOut();
    try {
      while (true) {
        RewardsRunner.Outcome o = runner.step();
        out.println(describe(o));
        out.flush();
        if (once) {
          return 0;
        }
        Thread.sleep(intervalSeconds * 1000);
      }
    } finally {
      tx.web3j().shutdown();
    }
  }

  static String describe(RewardsRunner.Outcome o) {
    StringBuilder b = new StringBuilder("rewards step:");
    b.append(" released ").append(o.feesReleased()).append(" fee(s);");
    if (o.period().isEmpty()) {
      b.append(" no complete period yet");
    } else {
      b.append(" period [")
          .append(o.period().get().start())
          .append(", ")
          .append(o.period().get().end())
          .append(")");
      b.append(
          o.submitted()
              .map(s -> " submitted " + s.total() + " to " + s.rewards().size() + " operator(s)")
              .orElse(" nothing to pay"));
    }
    o.root().ifPresent(r -> b.append("; root ").append(r.rootIndex()).append(" posted"));
    return b.toString();
  }
}
