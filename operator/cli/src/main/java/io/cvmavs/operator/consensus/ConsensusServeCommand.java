package io.cvmavs.operator.consensus;

import io.cvmavs.chain.rpc.ChainAccess;
import io.cvmavs.chain.rpc.RpcClient;
import io.cvmavs.common.net.HostPort;
import io.cvmavs.consensus.abci.AbciServer;
import io.cvmavs.consensus.app.CvmChainApp;
import io.cvmavs.consensus.app.engine.EthereumHead;
import io.cvmavs.consensus.app.engine.TaskComputerEngine;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.cvm.task.CvmTaskComputer;
import io.cvmavs.operator.command.CliCommand;
import io.cvmavs.operator.command.CliContext;
import io.cvmavs.operator.config.OperatorConfig;
import io.cvmavs.operator.config.OperatorConfigFile;
import io.cvmavs.operator.cvmtasks.CvmBlockOptions;
import io.cvmavs.operator.keys.KeystoreAccess;
import io.cvmavs.operator.node.NodeCommand;
import io.cvmavs.stake.config.StakeConfig;
import io.cvmavs.stake.config.StakeConfigLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code cvm-avs consensus serve}: this operator's CVM chain validator — its operator node and the
 * CVM chain's ABCI++ app in one JVM, on one CVM (one warm Flink): the app re-executes proposed CVM
 * blocks on the very task computer that attests them. A CometBFT v0.38 node connects to {@code
 * --listen} ({@code proxy_app}); the validator's BLS key is the node's, the validator set is the
 * stake aggregator's ({@code --stake-config}), deposits and manuscript changes come from the
 * deployment's {@code CBridge} and {@code CvmManuscriptRegistry}. The app's state lives in {@code
 * data_dir/consensus}, beside the node's, under the node's data-directory lock.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Run this operator's CVM chain validator: the operator node and the CVM chain's ABCI++ app",
      "in one JVM on one CVM, listening for a CometBFT v0.38 node (proxy_app = tcp://ADDRESS)."
    })
public final class ConsensusServeCommand extends CliCommand {
  private static final Logger LOG = LoggerFactory.getLogger(ConsensusServeCommand.class);

  /** CometBFT's default {@code proxy_app} port. */
  public static final String DEFAULT_LISTEN = "127.0.0.1:26658";

  @Mixin OperatorConfigFile config;

  @Mixin CvmBlockOptions cvm;

  @Option(
      names = "--stake-config",
      required = true,
      paramLabel = "FILE",
      description = "stake.yaml (stake-aggregator/README.md): the validator set of each epoch")
  Path stakeConfig;

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      description =
          "ABCI socket address CometBFT's proxy_app connects to (default ${DEFAULT-VALUE}; bind"
              + " another interface only where CometBFT runs on another host).")
  String listen = DEFAULT_LISTEN;

  @Option(
      names = "--eth-final-depth",
      paramLabel = "N",
      description =
          "Report the Ethereum block N below the head as final (default: the RPC's 'finalized'"
              + " block; use a depth only on chains without it, such as a local anvil).")
  Long ethFinalDepth;

  @Option(
      names = "--max-block-records",
      paramLabel = "N",
      description =
          "Most dataset records one proposed CVM block may carry (default ${DEFAULT-VALUE}).")
  int maxBlockRecords = 100_000;

  @Option(
      names = "--poll-ms",
      paramLabel = "MS",
      description = "The node's task backfill interval (default ${DEFAULT-VALUE}).")
  long pollMillis = 2000;

  /** What {@link #start} runs: close it to stop the app, then the node. */
  public record Running(
      NodeCommand.Running node,
      ChainInputs inputs,
      RpcClient rpc,
      CvmChainApp app,
      AbciServer server)
      implements AutoCloseable {
    /** Where the ABCI server listens. */
    public InetSocketAddress address() {
      return server.address();
    }

    /** Stops taking requests, closes the app's store, then the reads and the node (its lock). */
    @Override
    public void close() {
      try (node;
          inputs) {
        try {
          server.close();
        } finally {
          try {
            app.close();
          } finally {
            rpc.web3j().shutdown();
          }
        }
      }
    }
  }

  /**
   * Starts the operator node, then the CVM chain app on the node's CVM, then the ABCI server.
   *
   * @param finalDepth empty: the RPC's {@code finalized} block; else the head minus this many
   */
  public static Running start(
      OperatorConfig c,
      BlsKeyPair bls,
      NodeCommand.Options options,
      StakeConfig stake,
      HostPort listen,
      OptionalLong finalDepth,
      int maxBlockRecords) {
    AtomicReference<CvmTaskComputer> computer = new AtomicReference<>();
    NodeCommand.Running node =
        NodeCommand.start(
            c,
            bls,
            options,
            NodeCommand.DEFAULT_STALE_TASK,
            honest -> {
              computer.set((CvmTaskComputer) honest);
              return honest;
            });
    ChainInputs inputs = null;
    RpcClient rpc = null;
    CvmChainApp app = null;
    try {
      inputs = ChainInputs.open(stake, c.ethRpcUrl(), c.addresses(), c.startBlock());
      rpc = ChainAccess.read(c.ethRpcUrl(), c.chainId());
      RpcClient head = rpc;
      EthereumHead finality =
          finalDepth.isPresent()
              ? () -> Math.max(0, head.blockNumber() - finalDepth.getAsLong())
              : head::finalizedBlockNumber;
      CvmChainApp.Settings settings =
          new CvmChainApp.Settings(
              Optional.of(bls),
              finality,
              Optional.of(new TaskComputerEngine(computer.get())),
              Optional.of(inputs.validators()),
              maxBlockRecords);
      if (inputs.deposits().isPresent()) {
        settings = settings.withDeposits(inputs.deposits().get());
      }
      if (inputs.manuscripts().isPresent()) {
        settings = settings.withManuscripts(inputs.manuscripts().get());
      }
      app = CvmChainApp.open(c.dataDirectory().resolve("consensus"), settings);
      AbciServer server = AbciServer.start(app, AbciServer.Settings.listen(listen));
      if (!server.address().getAddress().isLoopbackAddress()) {
        LOG.warn(
            "the CVM chain app's ABCI socket listens on {}, beyond this host: ABCI has no"
                + " authentication, so only the CometBFT node may reach it (firewall it)",
            server.address());
      }
      return new Running(node, inputs, rpc, app, server);
    } catch (IOException | RuntimeException e) {
      if (app != null) {
        app.close();
      }
      if (rpc != null) {
        rpc.web3j().shutdown();
      }
      if (inputs != null) {
        inputs.close();
      }
      node.close();
      if (e instanceof IOException io) {
        throw new UncheckedIOException("cannot listen on " + listen + ": " + io.getMessage(), io);
      }
      throw (RuntimeException) e;
    }
  }

  @Override
  public Integer call() throws Exception {
    HostPort address;
    try {
      address = HostPort.parse(listen);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(), "--listen '" + listen + "': " + e.getMessage());
    }
    if (ethFinalDepth != null && ethFinalDepth < 0) {
      throw new ParameterException(spec.commandLine(), "--eth-final-depth must be >= 0");
    }
    if (maxBlockRecords < 1) {
      throw new ParameterException(spec.commandLine(), "--max-block-records must be >= 1");
    }
    OperatorConfig c = config.load();
    StakeConfig stake = StakeConfigLoader.load(stakeConfig);
    BlsKeyPair bls = new KeystoreAccess(CliContext.of(spec)).openBls(c.blsKeystore());
    NodeCommand.Options o =
        new NodeCommand.Options(
            cvm.manuscripts("eth"),
            cvm.genesisBlock(),
            cvm.span(),
            Duration.ofMillis(pollMillis),
            true);
    Running running =
        start(
            c,
            bls,
            o,
            stake,
            address,
            ethFinalDepth == null ? OptionalLong.empty() : OptionalLong.of(ethFinalDepth),
            maxBlockRecords);
    // Ctrl-C / SIGTERM: the hook asks this thread to stop and waits for its close (the app's
    // RocksDB, the node's data-directory lock) before the JVM halts.
    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stop.countDown();
                  try {
                    closed.await(30, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                }));
    try {
      spec.commandLine()
          .getOut()
          .printf(
              "CVM chain validator %s: ABCI app listening on %s (CometBFT proxy_app ="
                  + " \"tcp://%s\"), height %d; operator node running; data_dir %s locked"
                  + " (Ctrl-C stops)%n",
              c.nodeName(),
              running.address().getHostString() + ":" + running.address().getPort(),
              running.address().getHostString() + ":" + running.address().getPort(),
              running.app().height(),
              c.dataDirectory().toAbsolutePath());
      spec.commandLine().getOut().flush();
      stop.await();
    } finally {
      try {
        running.close();
      } finally {
        closed.countDown();
      }
    }
    return 0;
  }
}
