package io.cvmavs.operator.taskgen;

import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.chain.avs.ManuscriptRegistryReader;
import io.cvmavs.chain.avs.TaskManagerReader;
import io.cvmavs.chain.rewards.RewardsContracts;
import io.cvmavs.chain.rewards.RewardsReader;
import io.cvmavs.chain.rewards.RewardsWriter;
import io.cvmavs.chain.rpc.ChainAccess;
import io.cvmavs.chain.rpc.Transactor;
import io.cvmavs.chain.staking.StakingWriter;
import io.cvmavs.operator.command.CliCommand;
import io.cvmavs.operator.command.CliContext;
import io.cvmavs.operator.config.AccountConfigFile;
import io.cvmavs.operator.config.OperatorConfig;
import io.cvmavs.operator.cvmtasks.CvmBlockOptions;
import io.cvmavs.operator.cvmtasks.CvmTasks;
import io.cvmavs.operator.keys.KeystoreAccess;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cvm-avs task-generator --config F --manuscript M}: the AVS's task generator. The
 * configuration's ECDSA key must hold the task manager's task-generator role.
 */
@Command(
    name = "task-generator",
    mixinStandardHelpOptions = true,
    description =
        "Create one on-chain task per finished CVM block (AVS side; task-generator role).")
public final class TaskGeneratorCommand extends CliCommand {
  @Mixin AccountConfigFile config;

  @Mixin CvmBlockOptions cvm;

  @Option(
      names = "--threshold",
      description = "Quorum threshold percentage of each task (default ${DEFAULT-VALUE}).")
  long threshold = 66;

  @Option(
      names = "--confirmations",
      description =
          "Chain blocks to wait after a CVM block's range before tasking it (default"
              + " ${DEFAULT-VALUE}; raise it on chains that reorganise).")
  long confirmations = 2;

  @Option(names = "--poll-ms", description = "Step interval (default ${DEFAULT-VALUE}).")
  long pollMillis = 1000;

  @Option(
      names = "--fee",
      paramLabel = "AMOUNT",
      description =
          "Escrow this task fee (token's smallest unit) with every task from the generator's"
              + " account (CvmTaskFees), and refund the fees of tasks left unanswered.")
  Optional<BigInteger> fee = Optional.empty();

  @Option(
      names = "--fee-token",
      paramLabel = "ADDRESS",
      description = "Token of --fee (default: the deployment's CToken).")
  Optional<String> feeToken = Optional.empty();

  @Option(
      names = "--fee-refund-to",
      paramLabel = "ADDRESS",
      description =
          "Where an unanswered task's fee goes back to: the manuscript owner (default: the"
              + " generator's account).")
  Optional<String> feeRefundTo = Optional.empty();

  @Override
  public Integer call() throws Exception {
    long span = cvm.span();
    if (threshold < 1 || threshold > 100 || span < 1 || confirmations < 0) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--threshold must be 1..100, --cvm-span >= 1 and --confirmations >= 0");
    }
    if (cvm.manuscripts("eth").isEmpty()) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--manuscript FILE is required: the manuscript the task generator's tasks name");
    }
    var manuscript = cvm.manuscripts("eth").get(0);
    if (manuscript.refusal().isPresent()) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--manuscript "
              + manuscript.file()
              + " cannot be attested, so no task may name it: "
              + manuscript.refusal().get());
    }
    OperatorConfig c = config.load();
    var key = new KeystoreAccess(CliContext.of(spec)).openEcdsa(c.ecdsaKeystore());
    Transactor tx = ChainAccess.open(c.ethRpcUrl(), key, c.chainId());
    Optional<TaskFeeKeeper> fees = fees(c, tx);
    long deploymentBlock = c.startBlock();
    long genesis = cvm.genesisBlock().orElse(deploymentBlock + 1);
    byte[] manuscriptHash = cvm.manuscriptHash();
    String taskManager = c.address("CvmTaskManager");
    // Issue 14: with a manuscript registry in the deployment, tasks name only Active manuscripts
    // (CvmTaskManager.createTask checks too; this refuses before a transaction is sent).
    Optional<ManuscriptRegistryReader> registry =
        Optional.ofNullable(c.addresses().get("CvmManuscriptRegistry"))
            .map(a -> new ManuscriptRegistryReader(tx.reader(), a));
    if (registry.isPresent()) {
      Optional<String> why = CvmTasks.notActive(registry.get(), manuscriptHash);
      if (why.isPresent()) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "--manuscript "
                + manuscript.describe()
                + " is "
                + why.get()
                + ": register it first (cvm-avs manuscript register)");
      }
    }
    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("task-generator").daemon().factory());
    var out = spec.commandLine().getOut();
    try (TaskGenerator generator =
        new TaskGenerator(
                new TaskGenerator.Settings(
                    manuscriptHash,
                    new byte[] {0},
                    threshold,
                    genesis,
                    span,
                    confirmations,
                    deploymentBlock,
                    Duration.ofMillis(pollMillis),
                    OptionalLong.empty()),
                registryChecked(
                    fees.map(f -> f.chain(TaskGenerator.Chain.of(tx, taskManager)))
                        .orElseGet(() -> TaskGenerator.Chain.of(tx, taskManager)),
                    registry),
                CvmTasks.computer(
                    Optional.of(genesis),
                    deploymentBlock,
                    span,
                    List.of(manuscript),
                    tx.web3j(), // the CVM ingests over the same (chain-id-checked) connection
                    c.dataDirectory().resolve("task-generator-cvm")),
                scheduler,
                created -> {
                  out.printf(
                      "task %d created for CVM block %d (chain blocks %d..%d)%n",
                      created.task().taskIndex(),
                      created.task().cvmBlockHeight(),
                      created.input().fromBlock(),
                      created.input().toBlock());
                  out.flush();
                })
            .start()) {
      fees.ifPresent(
          f ->
              scheduler.scheduleWithFixedDelay(
                  () -> {
                    try {
                      f.step();
                    } catch (RuntimeException e) {
                      org.slf4j.LoggerFactory.getLogger(TaskGeneratorCommand.class)
                          .warn("task fees: {} (retrying at the next tick)", e.getMessage());
                    }
                  },
                  pollMillis,
                  pollMillis,
                  java.util.concurrent.TimeUnit.MILLISECONDS));
      out.println("task generator running from CVM block genesis " + genesis + " (Ctrl-C stops)");
      out.flush();
      CountDownLatch stop = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
      stop.await();
    } finally {
      scheduler.shutdownNow();
      tx.web3j().shutdown();
    }
    return 0;
  }

  private Optional<TaskFeeKeeper> fees(OperatorConfig c, Transactor tx) {
    if (fee.isEmpty()) {
      return Optional.empty();
    }
    if (fee.get().signum() <= 0) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--fee must be > 0");
    }
    RewardsContracts at =
        new RewardsContracts(
            c.address("CvmServiceManager"),
            null, // fees need only the escrow
            c.address("CvmTaskFees"));
    return Optional.of(
        new TaskFeeKeeper(
            new TaskFeeKeeper.Policy(
                feeToken.orElseGet(() -> c.address("CToken")),
                fee.get(),
                feeRefundTo.orElse(tx.address())),
            tx.address(),
            at.taskFees(),
            new RewardsReader(tx.reader(), at),
            new RewardsWriter(tx, at),
            new StakingWriter(tx, c.address("CStaking")),
            new TaskManagerReader(tx, c.address("CvmTaskManager")),
            c.startBlock()));
  }

  /** Refuses to create a task for a manuscript that is no longer Active in the registry. */
  static TaskGenerator.Chain registryChecked(
      TaskGenerator.Chain chain, Optional<ManuscriptRegistryReader> registry) {
    if (registry.isEmpty()) {
      return chain;
    }
    return new TaskGenerator.Chain() {
      @Override
      public long blockNumber() {
        return chain.blockNumber();
      }

      @Override
      public List<CvmTask> newTasks(long fromBlock, long toBlock) {
        return chain.newTasks(fromBlock, toBlock);
      }

      @Override
      public boolean hasPendingTransactions() {
        return chain.hasPendingTransactions();
      }

      @Override
      public CvmTask createTask(
          long height,
          byte[] manuscriptHash,
          byte[] inputCommitment,
          byte[] quorumNumbers,
          long thresholdPercent) {
        Optional<String> why = CvmTasks.notActive(registry.get(), manuscriptHash);
        if (why.isPresent()) {
          throw new IllegalStateException(
              "not creating the task for CVM block "
                  + height
                  + ": manuscript 0x"
                  + java.util.HexFormat.of().formatHex(manuscriptHash)
                  + " is "
                  + why.get());
        }
        return chain.createTask(
            height, manuscriptHash, inputCommitment, quorumNumbers, thresholdPercent);
      }
    };
  }
}
