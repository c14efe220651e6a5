package io.cvmavs.operator.node;

import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.chain.avs.ManuscriptRegistryReader;
import io.cvmavs.chain.avs.RegistryReader;
import io.cvmavs.chain.avs.TaskManagerReader;
import io.cvmavs.chain.core.CoreReader;
import io.cvmavs.chain.rewards.RewardsContracts;
import io.cvmavs.chain.rewards.RewardsReader;
import io.cvmavs.chain.rpc.ChainAccess;
import io.cvmavs.chain.rpc.RpcClient;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.cvm.task.AttestedManuscript;
import io.cvmavs.cvm.task.CvmTaskComputer;
import io.cvmavs.cvm.task.ManuscriptFetcher;
import io.cvmavs.cvm.task.TaskComputer;
import io.cvmavs.cvm.task.TaskRefusedException;
import io.cvmavs.cvm.task.TaskResult;
import io.cvmavs.operator.aggregatorapi.AggregatorClient;
import io.cvmavs.operator.command.CliCommand;
import io.cvmavs.operator.command.CliContext;
import io.cvmavs.operator.config.ConfigException;
import io.cvmavs.operator.config.OperatorConfig;
import io.cvmavs.operator.config.OperatorConfigFile;
import io.cvmavs.operator.cvmtasks.CvmBlockOptions;
import io.cvmavs.operator.cvmtasks.CvmTasks;
import io.cvmavs.operator.keys.KeystoreAccess;
import io.cvmavs.operator.monitoring.ChainGauges;
import io.cvmavs.operator.monitoring.CvmAvsMetrics;
import io.cvmavs.operator.monitoring.HealthCheck;
import io.cvmavs.operator.monitoring.HealthChecks;
import io.cvmavs.operator.monitoring.InstrumentedHttpService;
import io.cvmavs.operator.monitoring.Monitoring;
import io.cvmavs.operator.monitoring.ServiceRegistry;
import io.cvmavs.operator.monitoring.ServiceStatus;
import io.cvmavs.operator.signer.BlsAttestationSigner;
import io.cvmavs.operator.signer.FileSlashingProtectionStore;
import io.cvmavs.operator.signer.SlashingProtectedSigner;
import io.vertx.core.Vertx;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.Web3j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cvm-avs node --config F --manuscript M}: the operator node. */
@Command(
    name = "node",
    mixinStandardHelpOptions = true,
    description =
        "Run the operator node: follow tasks, re-execute, sign (slashing-protected), send to the aggregator.")
public final class NodeCommand extends CliCommand {
  private static final Logger LOG = LoggerFactory.getLogger(NodeCommand.class);

  @Mixin OperatorConfigFile config;

  @Mixin CvmBlockOptions cvm;

  @Option(names = "--poll-ms", description = "Backfill interval (default ${DEFAULT-VALUE}).")
  long pollMillis = 2000;

  @Option(
      names = "--cvm-confirmations",
      description =
          "Build a CVM block ahead of its task once this many chain blocks followed its range"
              + " (default ${DEFAULT-VALUE}; the task generator's --confirmations).")
  long confirmations = 2;

  @Option(
      names = "--stale-task-minutes",
      description =
          "Node API: the task feed is Down when no task was seen for this long (default ${DEFAULT-VALUE}).")
  long staleTaskMinutes = DEFAULT_STALE_TASK.toMinutes();

  /** No task seen for this long: the node API reports the task feed Down. */
  public static final Duration DEFAULT_STALE_TASK = Duration.ofMinutes(30);

  /** Node options that are not in operator.yaml. */
  public record Options(
      List<AttestedManuscript> manuscripts,
      Optional<Long> genesisBlock,
      long span,
      Duration poll,
      boolean subscribe,
      long confirmations) {
    public Options {
      // Empty: the node attests what the deployment's manuscript registry lists (issue 14).
      manuscripts = List.copyOf(manuscripts);
    }

    /** With the task generator's default of 2 confirmations. */
    public Options(
        List<AttestedManuscript> manuscripts,
        Optional<Long> genesisBlock,
        long span,
        Duration poll,
        boolean subscribe) {
      this(manuscripts, genesisBlock, span, poll, subscribe, 2);
    }

    /** What the node attests, for its startup line and refusals: each file and its keccak256. */
    public String manuscript() {
      return CvmBlockOptions.describe(manuscripts);
    }
  }

  /**
   * A running node; {@link #close()} stops it and releases the slashing-protection record and the
   * data directory's lock.
   */
  public record Running(
      OperatorNode node,
      FileSlashingProtectionStore protection,
      ScheduledExecutorService scheduler,
      ExecutorService workers,
      Web3j web3j,
      CvmAvsMetrics metrics,
      Vertx vertx,
      Monitoring monitoring,
      DataDirectoryLock lock)
      implements AutoCloseable {
    @Override
    public void close() {
      try {
        monitoring.close();
        vertx.close().await();
        node.close();
        scheduler.shutdownNow();
        workers.shutdownNow();
        protection.close();
        web3j.shutdown();
      } finally {
        lock.close();
      }
    }
  }

  public static Running start(OperatorConfig c, BlsKeyPair bls, Options o) {
    return start(c, bls, o, DEFAULT_STALE_TASK, UnaryOperator.identity());
  }

  /**
   * Starts a node whose result computer is {@code wrap}ped: the devnet's fault injection ({@code
   * devnet --faulty K}) and tests use it; operators use {@link #start(OperatorConfig, BlsKeyPair,
   * Options)}.
   */
  public static Running start(
      OperatorConfig c, BlsKeyPair bls, Options o, UnaryOperator<TaskComputer> wrap) {
    return start(c, bls, o, DEFAULT_STALE_TASK, wrap);
  }

  /**
   * Starts the node, and its node API and metrics servers where the configuration enables them.
   * First of all it locks the data directory ({@link DataDirectoryLock}): a second node on the same
   * {@code data_dir} is refused before it opens anything.
   *
   * @param staleTaskAfter no task seen for this long: the node API's task feed is Down
   * @throws NodeException.DataDirectoryInUse another node holds {@code data_dir}
   */
  public static Running start(
      OperatorConfig c,
      BlsKeyPair bls,
      Options o,
      Duration staleTaskAfter,
      UnaryOperator<TaskComputer> wrap) {
    DataDirectoryLock lock = DataDirectoryLock.acquire(c.dataDirectory());
    try {
      return start(c, bls, o, staleTaskAfter, wrap, lock);
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  private static Running start(
      OperatorConfig c,
      BlsKeyPair bls,
      Options given,
      Duration staleTaskAfter,
      UnaryOperator<TaskComputer> wrap,
      DataDirectoryLock lock) {
    CvmAvsMetrics metrics = CvmAvsMetrics.prometheus(CvmAvsMetrics.AVS_NAME);
    // Reads only: the node sends no transactions, so it holds no Ethereum key.
    RpcClient rpc =
        ChainAccess.read(
            new InstrumentedHttpService(c.ethRpcUrl().toString(), metrics), c.chainId());
    long deploymentBlock = c.startBlock();
    String taskManager = c.address("CvmTaskManager");
    TaskManagerReader tasks = new TaskManagerReader(rpc, taskManager);
    Web3j ingestWeb3j = InstrumentedHttpService.web3j(c.ethRpcUrl(), metrics);
    Path data = c.dataDirectory();
    String manuscriptRegistry = c.addresses().get("CvmManuscriptRegistry");
    List<AttestedManuscript> attested = new java.util.ArrayList<>(given.manuscripts());
    if (attested.isEmpty() && manuscriptRegistry != null) {
      // No --manuscript: preload every Active manuscript of the registry this node can fetch, so
      // their CVM blocks are prebuilt before their tasks appear.
      attested.addAll(
          CvmTasks.registered(
              new ManuscriptRegistryReader(rpc, manuscriptRegistry),
              c.manuscriptLocatorDirs(),
              new ManuscriptFetcher.Gateways(c.ipfsGateways(), c.arweaveGateways()),
              data.resolve("cvm"),
              line -> {
                // The devnet starts four nodes: a preload line each is detail; a refusal is not.
                if (line.contains("cannot be attested")) {
                  LOG.warn("[{}] {}", c.nodeName(), line);
                } else {
                  LOG.debug("[{}] {}", c.nodeName(), line);
                }
              }));
    }
    if (attested.isEmpty() && manuscriptRegistry == null) {
      throw new IllegalArgumentException(
          "no manuscript to attest: pass --manuscript FILE (the deployment has no"
              + " CvmManuscriptRegistry to resolve tasks' manuscripts through)");
    }
    if (attested.isEmpty()) {
      // Issue 14: nothing to preload yet; each task's manuscript is resolved when it appears.
      LOG.info(
          "[{}] no Active manuscript in CvmManuscriptRegistry {} yet: tasks resolve theirs when"
              + " they appear",
          c.nodeName(),
          manuscriptRegistry);
    }
    Options o =
        new Options(
            attested,
            given.genesisBlock(),
            given.span(),
            given.poll(),
            given.subscribe(),
            given.confirmations());
    CvmTaskComputer computer =
        CvmTasks.computer(
            o.genesisBlock(),
            deploymentBlock,
            o.span(),
            o.manuscripts(),
            ingestWeb3j,
            data.resolve("cvm"));
    if (manuscriptRegistry != null) {
      // Issue 14: a task's manuscript is resolved through the registry (fetched from its locator,
      // both hashes checked, cached under data/cvm/manuscripts); --manuscript files are preloads.
      CvmTasks.resolvingFrom(
          computer,
          new ManuscriptRegistryReader(rpc, manuscriptRegistry),
          c.manuscriptLocatorDirs(),
          new ManuscriptFetcher.Gateways(c.ipfsGateways(), c.arweaveGateways()),
          data.resolve("cvm"));
      LOG.debug(
          "[{}] resolving task manuscripts through CvmManuscriptRegistry {}",
          c.nodeName(),
          manuscriptRegistry);
    }
    for (AttestedManuscript m : o.manuscripts()) {
      m.refusal()
          .ifPresent(
              reason ->
                  LOG.warn(
                      "[{}] manuscript {} cannot be attested; tasks naming it are refused: {}",
                      c.nodeName(),
                      m.describe(),
                      reason));
    }
    AtomicReference<ServiceStatus> cvmState = new AtomicReference<>(ServiceStatus.INITIALIZING);
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
            metered(wrap.apply(computer), metrics, cvmState, o.manuscript()),
            signer,
            AggregatorClient.of(c.aggregatorUrl()),
            data.resolve("node"),
            scheduler,
            workers,
            System::currentTimeMillis);
    node.metrics(metrics);
    long started = System.currentTimeMillis();
    ServiceRegistry services = new ServiceRegistry();
    services.registerEthRpc(tasks::blockNumber);
    if (o.subscribe()) {
      services.register(
          "ws-subscription",
          "Task subscription",
          "NewTaskCreated WebSocket subscription on eth_ws_url is open",
          false,
          HealthChecks.when(node::subscriptionLive));
    }
    services.register(
        "task-feed",
        "Task feed",
        "a task was seen within the last " + staleTaskAfter.toMinutes() + " min",
        false,
        HealthChecks.recent(
            metrics::lastTaskSeenMillis, started, staleTaskAfter, System::currentTimeMillis));
    services.registerKeys(
        "BLS key", "the BLS key is decrypted (operator " + signer.operatorId() + ")");
    services.register(
        "aggregator",
        "Aggregator",
        "the aggregator at aggregator_url answers JSON-RPC",
        false,
        HealthChecks.cached(
            HealthChecks.jsonRpcAnswers(c.aggregatorUrl(), Duration.ofSeconds(3)),
            Duration.ofSeconds(10),
            System::currentTimeMillis));
    services.register(
        "cvm",
        "CVM",
        "the last re-execution completed (Initializing until the first task)",
        false,
        cvmState::get);
    services.register(
        "signing",
        "Signing",
        "the last task re-executed was signed (Down, with the reason, when the node refused it)",
        false,
        HealthChecks.withReason(() -> signingVerdict(node, o)));
    RegistryReader registry = new RegistryReader(rpc, c.address("CvmRegistry"));
    services.register(
        "registration",
        "AVS registration",
        "this BLS key's operator is registered and active in a quorum of CvmRegistry",
        true,
        HealthChecks.cached(
            HealthChecks.withReason(
                () -> registrationVerdict(registry, signer.operatorId(), c.address("CvmRegistry"))),
            Duration.ofSeconds(30),
            System::currentTimeMillis));
    scheduler.scheduleWithFixedDelay(
        new ChainGauges(chainGaugeSource(c, rpc, signer.operatorId()), metrics),
        0,
        60,
        TimeUnit.SECONDS);
    scheduleFeesEarned(c, rpc, registry, signer.operatorId(), deploymentBlock, scheduler, metrics);
    node.start();
    LOG.info("[{}] attesting manuscript {}", c.nodeName(), o.manuscript());
    // Build each CVM block as soon as its chain range has ended, before its task exists.
    AtomicBoolean building = new AtomicBoolean();
    scheduler.scheduleWithFixedDelay(
        () -> {
          if (building.compareAndSet(false, true)) {
            workers.submit(
                () -> {
                  try {
                    computer.prebuild(tasks.blockNumber() - o.confirmations());
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
    Vertx vertx = Vertx.vertx();
    Monitoring monitoring;
    try {
      monitoring =
          Monitoring.start(vertx, c.nodeName(), c.nodeApi(), c.metrics(), metrics, services);
    } catch (RuntimeException e) {
      node.close();
      vertx.close();
      scheduler.shutdownNow();
      workers.shutdownNow();
      protection.close();
      throw e;
    }
    return new Running(
        node, protection, scheduler, workers, ingestWeb3j, metrics, vertx, monitoring, lock);
  }

  /** Down with the refusal when the last task the node re-executed was not signed. */
  static HealthCheck.Verdict signingVerdict(OperatorNode node, Options o) {
    return node.lastSigningOutcome()
        .map(
            last ->
                last.outcome().equals("signed")
                    ? HealthCheck.Verdict.up()
                    : HealthCheck.Verdict.down(
                        "refused task "
                            + last.taskIndex()
                            + " ("
                            + last.outcome()
                            + "): "
                            + last.detail()))
        .orElse(
            new HealthCheck.Verdict(
                ServiceStatus.INITIALIZING,
                "no task re-executed yet; attesting " + o.manuscript()));
  }

  /** Down when the BLS key has no operator in the registry, or its operator is in no quorum. */
  static HealthCheck.Verdict registrationVerdict(
      RegistryReader registry, String operatorIdHex, String registryAddress) {
    byte[] id = HexFormat.of().parseHex(operatorIdHex.substring(2));
    String operator = registry.operatorFromId(id);
    if (new BigInteger(operator.substring(2), 16).signum() == 0) {
      return HealthCheck.Verdict.down(
          "operator id "
              + operatorIdHex
              + " (this BLS key) is not registered with CvmRegistry "
              + registryAddress
              + "; run `cvm-avs operator register`");
    }
    int quorums = registry.quorumCount();
    for (int q = 0; q < quorums; q++) {
      if (registry.isActive(operator, q)) {
        return HealthCheck.Verdict.up();
      }
    }
    return HealthCheck.Verdict.down(
        "operator "
            + operator
            + " (operator id "
            + operatorIdHex
            + ") is not active in any quorum of CvmRegistry "
            + registryAddress
            + " (deregistered?); the aggregator refuses its signatures");
  }

  /** Times each re-execution and keeps the CVM's health: Up after a completed one. */
  private static TaskComputer metered(
      TaskComputer computer,
      CvmAvsMetrics metrics,
      AtomicReference<ServiceStatus> state,
      String manuscript) {
    return task -> {
      try {
        TaskResult r = metrics.timeCvm(() -> computer.compute(task));
        state.set(ServiceStatus.UP);
        return r;
      } catch (TaskRefusedException e) {
        state.set(ServiceStatus.UP); // the CVM worked; the task was not ours to sign
        throw new TaskRefusedException(
            e.reason(), e.getMessage() + " [attesting " + manuscript + "]");
      } catch (RuntimeException e) {
        state.set(ServiceStatus.DOWN);
        throw e;
      }
    };
  }

  /**
   * {@code eigen_fees_earned_total{token="C"}} (issue 21): what the AVS submitted to this operator,
   * polled every 60 s; only when the deployment has a RewardsCoordinator and the fee escrow.
   */
  private static void scheduleFeesEarned(
      OperatorConfig c,
      RpcClient rpc,
      RegistryReader registry,
      String operatorIdHex,
      long fromBlock,
      ScheduledExecutorService scheduler,
      CvmAvsMetrics metrics) {
    RewardsReader reader;
    String avs;
    String token;
    try {
      avs = c.address("CvmServiceManager");
      token = c.address("CToken");
      reader =
          new RewardsReader(
              rpc,
              new RewardsContracts(avs, c.address("RewardsCoordinator"), c.address("CvmTaskFees")));
    } catch (ConfigException e) {
      LOG.info("no RewardsCoordinator in the deployment: eigen_fees_earned_total stays 0");
      return;
    }
    byte[] id = HexFormat.of().parseHex(operatorIdHex.substring(2));
    scheduler.scheduleWithFixedDelay(
        new FeesEarned(
            reader,
            avs,
            () -> registry.operatorFromId(id),
            token,
            "C",
            fromBlock,
            rpc::blockNumber,
            metrics::feesEarned),
        0,
        60,
        TimeUnit.SECONDS);
  }

  /** The operator's stake per quorum; slashed when its max magnitude fell below 1 (WAD). */
  private static ChainGauges.Source chainGaugeSource(
      OperatorConfig c, RpcClient rpc, String operatorIdHex) {
    RegistryReader registry = new RegistryReader(rpc, c.address("CvmRegistry"));
    byte[] operatorId = HexFormat.of().parseHex(operatorIdHex.substring(2));
    Optional<CoreReader> core;
    Optional<String> strategy;
    try {
      core =
          Optional.of(
              new CoreReader(rpc, c.address("DelegationManager"), c.address("AllocationManager")));
      strategy = Optional.of(c.address("Strategy"));
    } catch (ConfigException e) {
      core = Optional.empty();
      strategy = Optional.empty();
    }
    Optional<CoreReader> coreReader = core;
    Optional<String> strategyAddress = strategy;
    BigInteger wad = BigInteger.TEN.pow(18);
    return new ChainGauges.Source() {
      @Override
      public int quorumCount() {
        return registry.quorumCount();
      }

      @Override
      public BigInteger stake(int quorum) {
        return registry.currentStake(operatorId, quorum);
      }

      @Override
      public Optional<Boolean> slashed() {
        return coreReader.map(
            r ->
                r.maxMagnitude(registry.operatorFromId(operatorId), strategyAddress.get())
                        .compareTo(wad)
                    < 0);
      }
    };
  }

  @Override
  public Integer call() throws Exception {
    OperatorConfig c = config.load();
    BlsKeyPair bls = new KeystoreAccess(CliContext.of(spec)).openBls(c.blsKeystore());
    Options o =
        new Options(
            cvm.manuscripts("eth"),
            cvm.genesisBlock(),
            cvm.span(),
            Duration.ofMillis(pollMillis),
            true,
            confirmations);
    try (Running running =
        start(c, bls, o, Duration.ofMinutes(staleTaskMinutes), UnaryOperator.identity())) {
      spec.commandLine()
          .getOut()
          .println(
              "node "
                  + c.nodeName()
                  + " running (Ctrl-C stops); attesting manuscript "
                  + o.manuscript()
                  + "; data_dir "
                  + c.dataDirectory().toAbsolutePath()
                  + " locked");
      spec.commandLine().getOut().flush();
      CountDownLatch stop = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
      stop.await();
    }
    return 0;
  }
}
