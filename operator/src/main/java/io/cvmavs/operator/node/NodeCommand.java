package io.cvmavs.operator.node;

import io.cvmavs.contracts.Deployments;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.operator.chain.ChainAccess;
import io.cvmavs.operator.chain.CvmTask;
import io.cvmavs.operator.chain.TaskManagerReader;
import io.cvmavs.operator.chain.Transactor;
import io.cvmavs.operator.cli.CliContext;
import io.cvmavs.operator.config.OperatorConfig;
import io.cvmavs.operator.config.OperatorConfigLoader;
import io.cvmavs.operator.keys.KeystoreAccess;
import io.cvmavs.operator.signer.BlsAttestationSigner;
import io.cvmavs.operator.signer.FileSlashingProtectionStore;
import io.cvmavs.operator.signer.SlashingProtectedSigner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Hash;
import org.web3j.crypto.Keys;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cvm-avs node --config F --manuscript M}: the operator node. */
@Command(
    name = "node",
    mixinStandardHelpOptions = true,
    description =
        "Run the operator node: follow tasks, re-execute, sign (slashing-protected), send to the aggregator.")
public final class NodeCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(NodeCommand.class);

  @Spec CommandSpec spec;

  @Option(names = "--config", required = true, paramLabel = "FILE", description = "operator.yaml")
  Path config;

  @Option(
      names = "--manuscript",
      required = true,
      paramLabel = "FILE",
      description =
          "The manuscript the AVS attests (its keccak256 must equal the tasks' manuscriptHash).")
  Path manuscript;

  @Option(
      names = "--cvm-genesis-block",
      description = "First chain block of CVM block 0 (default: the deployment block + 1).")
  Long genesisBlock;

  @Option(
      names = "--cvm-span",
      description = "Chain blocks per CVM block (default ${DEFAULT-VALUE}).")
  long span = 10;

  @Option(names = "--poll-ms", description = "Backfill interval (default ${DEFAULT-VALUE}).")
  long pollMillis = 2000;

  /** Node options that are not in operator.yaml. */
  public record Options(
      byte[] manuscriptHash,
      Optional<Long> genesisBlock,
      long span,
      Duration poll,
      boolean subscribe) {}

  /** A running node; {@link #close()} stops it and releases the slashing-protection record. */
  public record Running(
      OperatorNode node,
      FileSlashingProtectionStore protection,
      ScheduledExecutorService scheduler,
      ExecutorService workers,
      Web3j web3j)
      implements AutoCloseable {
    @Override
    public void close() {
      node.close();
      scheduler.shutdownNow();
      workers.shutdownNow();
      protection.close();
      web3j.shutdown();
    }
  }

  public static Running start(OperatorConfig c, BlsKeyPair bls, Options o) {
    return start(c, bls, o, UnaryOperator.identity());
  }

  /**
   * Starts a node whose result computer is {@code wrap}ped: the devnet's fault injection ({@code
   * devnet --faulty K}) and tests use it; operators use {@link #start(OperatorConfig, BlsKeyPair,
   * Options)}.
   */
  public static Running start(
      OperatorConfig c, BlsKeyPair bls, Options o, UnaryOperator<ResponseComputer> wrap) {
    // Reads only: the node sends no transactions, so a throw-away key is the `from` of its calls.
    Transactor rpc;
    try {
      rpc = ChainAccess.open(c.ethRpcUrl(), Keys.createEcKeyPair(), c.chainId());
    } catch (java.security.GeneralSecurityException e) {
      throw new NodeException("cannot create a key for read calls: " + e.getMessage(), e);
    }
    long deploymentBlock =
        c.deploymentFile()
            .map(Deployments::read)
            .map(d -> Long.parseLong(d.values().getOrDefault("deploymentBlock", "0")))
            .orElse(0L);
    String taskManager = c.address("CvmTaskManager");
    TaskManagerReader tasks = new TaskManagerReader(rpc, taskManager);
    Web3j ingestWeb3j = Web3j.build(new HttpService(c.ethRpcUrl().toString()));
    Path data = c.dataDirectory();
    CvmBlockComputer computer =
        new CvmBlockComputer(
            new CvmBlockComputer.Settings(
                "eth", o.genesisBlock().orElse(deploymentBlock + 1), o.span(), o.manuscriptHash()),
            ingestWeb3j,
            data.resolve("cvm"));
    FileSlashingProtectionStore protection = FileSlashingProtectionStore.open(data);
    SlashingProtectedSigner signer =
        new SlashingProtectedSigner(new BlsAttestationSigner(bls), protection);
    ScheduledExecutorService scheduler =
        Executors.newScheduledThreadPool(
            1, Thread.ofPlatform().name("node-" + c.nodeName() + "-", 0).daemon().factory());
    ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    OperatorNode node =
        new OperatorNode(
            new OperatorNode.Settings(
                c.nodeName(),
                rpc.chainId(),
                taskManager,
                o.subscribe() ? Optional.of(c.ethWsUrl()) : Optional.empty(),
                deploymentBlock,
                tasks.taskResponseWindowBlock(),
                o.poll(),
                Duration.ofSeconds(1)),
            new OperatorNode.TaskEvents() {
              @Override
              public List<CvmTask> newTasks(long fromBlock, long toBlock) {
                return tasks.newTasks(fromBlock, toBlock);
              }

              @Override
              public long blockNumber() {
                return tasks.blockNumber();
              }

              @Override
              public boolean isResponded(long taskIndex) {
                return tasks.isResponded(taskIndex);
              }
            },
            wrap.apply(computer),
            signer,
            AggregatorClient.of(c.aggregatorUrl()),
            data.resolve("node"),
            scheduler,
            workers,
            System::currentTimeMillis);
    node.start();
    // Build each CVM block as soon as its chain range has ended, before its task exists.
    AtomicBoolean building = new AtomicBoolean();
    scheduler.scheduleWithFixedDelay(
        () -> {
          if (building.compareAndSet(false, true)) {
            workers.submit(
                () -> {
                  try {
                    computer.prebuild(tasks.blockNumber());
                  } catch (RuntimeException e) {
                    LOG.debug("prebuilding CVM blocks: {}", e.getMessage());
                  } finally {
                    building.set(false);
                  }
                });
          }
        },
        0,
        Math.max(100, Math.min(500, o.poll().toMillis())),
        TimeUnit.MILLISECONDS);
    return new Running(node, protection, scheduler, workers, ingestWeb3j);
  }

  @Override
  public Integer call() throws Exception {
    OperatorConfig c = OperatorConfigLoader.load(config);
    BlsKeyPair bls = new KeystoreAccess(CliContext.of(spec)).openBls(c.blsKeystore());
    Options o =
        new Options(
            Hash.sha3(Files.readAllBytes(manuscript)),
            Optional.ofNullable(genesisBlock),
            span,
            Duration.ofMillis(pollMillis),
            true);
    try (Running running = start(c, bls, o)) {
      spec.commandLine().getOut().println("node " + c.nodeName() + " running (Ctrl-C stops)");
      spec.commandLine().getOut().flush();
      CountDownLatch stop = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
      stop.await();
    }
    return 0;
  }
}
