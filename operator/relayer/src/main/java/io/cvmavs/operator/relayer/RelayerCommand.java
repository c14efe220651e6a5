package io.cvmavs.operator.relayer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.chain.rpc.ChainAccess;
import io.cvmavs.chain.rpc.Transactor;
import io.cvmavs.common.retry.Backoff;
import io.cvmavs.common.retry.Sleeper;
import io.cvmavs.operator.command.CliCommand;
import io.cvmavs.operator.command.CliContext;
import io.cvmavs.operator.config.OperatorConfig;
import io.cvmavs.operator.config.OperatorConfigFile;
import io.cvmavs.operator.keys.KeystoreAccess;
import io.cvmavs.operator.monitoring.CvmAvsMetrics;
import io.cvmavs.operator.monitoring.InstrumentedHttpService;
import io.cvmavs.operator.monitoring.Monitoring;
import io.cvmavs.operator.monitoring.ServiceRegistry;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.web3j.crypto.ECKeyPair;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cvm-avs relayer run|status}: the bridge relayer (docs/BRIDGE.md "Relayer"). */
@Command(
    name = "relayer",
    mixinStandardHelpOptions = true,
    description = "Relay the CVM chain's checkpoints to CvmCheckpoints on Ethereum.",
    subcommands = {RelayerCommand.Run.class, RelayerCommand.Status.class})
public final class RelayerCommand {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The relayer's data directory under the configuration's {@code data_dir}. */
  static Path dataDirectory(OperatorConfig c) {
    return c.dataDirectory().resolve("relayer");
  }

  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      description =
          "Follow the CVM chain, verify each due certificate locally and submit it with the"
              + " configuration's ECDSA key (which pays the gas).")
  public static final class Run extends CliCommand {
    @Option(
        names = "--cvm-rpc",
        required = true,
        paramLabel = "URL",
        description = "CVM chain node RPC")
    URI cvmRpc;

    @Mixin OperatorConfigFile config;

    @Option(
        names = "--every",
        paramLabel = "N",
        description = "Submit at least every N CVM heights (default ${DEFAULT-VALUE}).")
    long every = 10;

    @Option(names = "--poll-ms", description = "Pause between passes (default ${DEFAULT-VALUE}).")
    long pollMillis = 2000;

    @Override
    public Integer call() throws Exception {
      OperatorConfig c = config.load();
      ECKeyPair key = new KeystoreAccess(CliContext.of(spec)).openEcdsa(c.ecdsaKeystore());
      String address = c.address("CvmCheckpoints");
      CvmAvsMetrics metrics = CvmAvsMetrics.prometheus(CvmAvsMetrics.AVS_NAME);
      RelayerMetrics relayerMetrics = new RelayerMetrics(metrics.registry());
      Transactor tx =
          ChainAccess.open(
              new InstrumentedHttpService(c.ethRpcUrl().toString(), metrics), key, c.chainId());
      var out = spec.commandLine().getOut();
      Vertx vertx = Vertx.vertx();
      try (CometCvmChain cvm = CometCvmChain.connect(cvmRpc, Duration.ofSeconds(10))) {
        ContractCheckpointChain contract = new ContractCheckpointChain(tx, address);
        Relayer relayer =
            new Relayer(
                new Relayer.Settings(every, dataDirectory(c)),
                cvm,
                contract,
                address,
                relayerMetrics,
                e -> {});
        misbehaviourSlasher(c)
            .ifPresent(
                a -> {
                  relayer.reportingMisbehaviour(
                      new MisbehaviourReporter(
                          cvm,
                          new io.cvmavs.chain.bridge.CheckpointsReader(tx, address),
                          new io.cvmavs.chain.bridge.MisbehaviourSlasherClient(tx, a)));
                  out.println("reporting CVM chain misbehaviour to CvmMisbehaviourSlasher " + a);
                });
        ServiceRegistry services =
            new ServiceRegistry()
                .registerEthRpc(() -> tx.reader().blockNumber())
                .registerKeys(
                    "Relayer key",
                    "the ECDSA key that pays for checkpoints is decrypted (" + tx.address() + ")");
        try (Monitoring monitoring =
            Monitoring.start(vertx, c.nodeName(), c.nodeApi(), c.metrics(), metrics, services)) {
          out.println(
              "relayer running: CVM chain "
                  + cvmRpc
                  + " -> CvmCheckpoints "
                  + address
                  + " from "
                  + tx.address()
                  + " (Ctrl-C stops)");
          out.flush();
          Thread loop =
              Thread.ofPlatform()
                  .name("relayer")
                  .start(
                      new RelayerLoop(
                          relayer,
                          Duration.ofMillis(pollMillis),
                          Backoff.of(Duration.ofSeconds(1), Duration.ofMinutes(1)),
                          Sleeper.threadSleep(),
                          e -> {}));
          Runtime.getRuntime().addShutdownHook(new Thread(loop::interrupt));
          loop.join();
        }
      } finally {
        vertx.close().await();
      }
      return 0;
    }
  }

  /** The deployment's CvmMisbehaviourSlasher, if it has one (deployments before it have none). */
  static Optional<String> misbehaviourSlasher(OperatorConfig c) {
    try {
      return Optional.of(c.address("CvmMisbehaviourSlasher"));
    } catch (io.cvmavs.operator.config.ConfigException e) {
      return Optional.empty();
    }
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description =
          "Print one JSON line: the relayer's saved progress, the contract's last accepted height"
              + " and, with --cvm-rpc, the CVM chain's height and the lag.")
  public static final class Status extends CliCommand {
    @Mixin OperatorConfigFile config;

    @Option(names = "--cvm-rpc", paramLabel = "URL", description = "CVM chain node RPC")
    Optional<URI> cvmRpc;

    @Override
    public Integer call() {
      OperatorConfig c = config.load();
      String address = c.address("CvmCheckpoints");
      io.cvmavs.chain.bridge.CheckpointsReader reader =
          new io.cvmavs.chain.bridge.CheckpointsReader(
              ChainAccess.read(c.ethRpcUrl(), c.chainId()), address);
      ObjectNode o = JSON.createObjectNode();
      o.put("checkpoints_contract", address);
      long onChain = reader.latestHeight();
      o.put("latest_height_on_chain", onChain);
      o.put("checkpoint_count", reader.checkpointCount());
      o.set("relayer", RelayerState.load(dataDirectory(c), address).toJson());
      if (cvmRpc.isPresent()) {
        try (CometCvmChain cvm = CometCvmChain.connect(cvmRpc.get(), Duration.ofSeconds(10))) {
          long certified = cvm.latestHeight() - 1;
          o.put("cvm_certified_height", certified);
          o.put("lag_heights", Math.max(0, certified - onChain));
        }
      }
      var out = spec.commandLine().getOut();
      out.println(o);
      out.flush();
      return 0;
    }
  }
}
