package io.cvmavs.operator.devnet;

import io.cvmavs.chain.abi.Bytes32;
import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.chain.avs.ManuscriptRegistryWriter;
import io.cvmavs.chain.avs.TaskManagerAbi;
import io.cvmavs.chain.avs.TaskManagerReader;
import io.cvmavs.chain.rpc.ChainAccess;
import io.cvmavs.chain.rpc.Transactor;
import io.cvmavs.consensus.driver.ValidatorKey;
import io.cvmavs.consensus.rpc.CometRpcClient;
import io.cvmavs.contracts.Deployments;
import io.cvmavs.contracts.bindings.CToken;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.cvm.task.AttestedManuscript;
import io.cvmavs.cvm.task.BlockSchedule;
import io.cvmavs.cvm.task.CvmTaskComputer;
import io.cvmavs.cvm.task.JobResults;
import io.cvmavs.cvm.task.ManuscriptResolver;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.process.FreePort;
import io.cvmavs.localnet.process.RepoLayout;
import io.cvmavs.operator.aggregator.Aggregator;
import io.cvmavs.operator.aggregator.AggregatorCommand;
import io.cvmavs.operator.challenger.Action;
import io.cvmavs.operator.challenger.Challenger;
import io.cvmavs.operator.challenger.ChallengerCommand;
import io.cvmavs.operator.command.CliContext;
import io.cvmavs.operator.config.OperatorConfigLoader;
import io.cvmavs.operator.cvmtasks.CvmBlockOptions;
import io.cvmavs.operator.monitor.MonitorService;
import io.cvmavs.operator.node.NodeCommand;
import io.cvmavs.operator.storage.CvmChainBlocks;
import io.cvmavs.operator.taskgen.TaskGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.function.Function;
import org.web3j.crypto.Hash;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.TransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;
import picocli.CommandLine;

/**
 * One devnet run on a started anvil: deploys, starts the aggregator, creates and registers {@code
 * operators} operators (keys, operator.yaml, {@code operator register}), starts their nodes, makes
 * ERC-20 activity on the chain, and creates one task per CVM block until {@code cvmBlocks} tasks
 * were answered (or their response window passed) — with {@code keepRunning}, the task generator
 * goes on tasking every CVM block after that, followed by {@link #followTasks()}. All components
 * run in this process with the same assembly as their commands. Accounts: 0 deployer and task
 * generator, 1..N operators, N+1 token activity, N+2 aggregator, N+3 challenger, N+4 anchoring, N+5
 * bridge relayer, N+6 task-fee payer and rewards initiator ({@link DevnetRewards}).
 */
final class DevnetRun implements AutoCloseable {
  /**
   * Quorum threshold of the devnet's tasks: two of three equal operators (66.7 %) meet it, so one
   * faulty operator of three cannot stop a response.
   */
  static final int THRESHOLD_PERCENT = 66;

  /** The CVM chain runs when the devnet has at least this many operators (its validators). */
  static final int MIN_CHAIN_VALIDATORS = 4;

  /** The most faulty operators of {@code operators} (equal stakes) that still leave a quorum. */
  static int maxFaulty(int operators) {
    return operators - (operators * THRESHOLD_PERCENT + 99) / 100;
  }

  record Settings(
      int operators,
      int faulty,
      int cvmBlocks,
      long span,
      Duration blockTime,
      Path workDirectory,
      int dashboardPort,
      List<URI> webhooks,
      boolean keepRunning) {
    /**
     * How many tasks the task generator creates: {@code cvmBlocks} for a run that ends with the
     * summary, no limit when the devnet keeps running (a newcomer's own node must keep seeing
     * tasks).
     */
    OptionalLong taskLimit() {
      return keepRunning ? OptionalLong.empty() : OptionalLong.of(cvmBlocks);
    }
  }

  private final AnvilNode anvil;
  private final Settings settings;
  private final PrintWriter out;
  private final Function<CliContext, CommandLine> commandLines;
  private final List<AutoCloseable> running = new ArrayList<>();
  private final List<String> endpoints = new ArrayList<>();
  private final java.util.concurrent.BlockingQueue<TaskGenerator.Created> created =
      new java.util.concurrent.LinkedBlockingQueue<>();
  private TaskManagerReader reader;
  private Aggregator aggregator;
  private long window;
  private SeededOperators seeded;
  private DevnetConsensus consensus;
  private DevnetAnchoring anchoring;
  private JobResults jobResults;
  private DevnetBridge bridge;
  private DevnetRoundTrip roundTrip;

  /** Issue 20: the DB3 sequence on the CVM chain (null when the chain did not start). */
  private DevnetDb3 db3;

  private DevnetRewards rewards;
  private volatile CvmTask lastTask;

  /**
   * @param commandLines makes a {@code cvm-avs} command line with a given context (the root's
   *     {@link io.cvmavs.operator.command.CliRoot#newCommandLine}); operators register through it
   */
  DevnetRun(
      AnvilNode anvil,
      Settings settings,
      PrintWriter out,
      Function<CliContext, CommandLine> commandLines) {
    this.anvil = anvil;
    this.settings = settings;
    this.out = out;
    this.commandLines = commandLines;
  }

  static int accountsNeeded(int operators) {
    return operators + 8;
  }

  /**
   * The account that takes `$C` over the bridge and back (its key is also its CVM account; {@link
   * DevnetRoundTrip}).
   */
  static int bridgeHolderAccount(int operators) {
    return operators + 7;
  }

  /**
   * Issue 21: the account that pays the task fees (a consumer of the devnet's manuscript) and is
   * the AVS's rewards initiator and the coordinator stand-in's rewards updater ({@link
   * DevnetRewards}), so neither waits behind the task generator's transactions.
   */
  static int feeAccount(int operators) {
    return operators + 6;
  }

  /** The account that pays for the bridge relayer's checkpoints. */
  static int relayerAccount(int operators) {
    return operators + 5;
  }

  /** The account that anchors stored block groups (the AnchorRegistry's submitter). */
  static int anchorAccount(int operators) {
    return operators + 4;
  }

  DevnetSummary run(Path deploymentFile) throws Exception {
    Deployments d = Deployments.read(deploymentFile);
    // Devnet keys (light scrypt, one devnet-only password) under the run folder.
    seeded =
        new SeededOperators(
            anvil,
            deploymentFile,
            settings.workDirectory(),
            SeededOperators.Passwords.DEVNET,
            commandLines);
    // The attested manuscript: ERC-20 decode + volume per token and sender, run on Flink by every
    // node and the challenger (one warm mini-cluster in this JVM); the task generator only commits
    // to each range's input.
    Path manuscriptFile =
        Files.write(
            settings.workDirectory().resolve(CvmBlockOptions.DEVNET_MANUSCRIPT_FILE),
            CvmBlockOptions.devnetManuscript());
    List<AttestedManuscript> manuscripts =
        List.of(
            AttestedManuscript.load(
                "eth", manuscriptFile.toString(), Files.readAllBytes(manuscriptFile)));
    manuscripts
        .get(0)
        .refusal()
        .ifPresent(
            reason -> {
              throw new IllegalStateException(
                  "the devnet's manuscript cannot be attested: " + reason);
            });
    byte[] manuscriptHash = manuscripts.get(0).hash();
    step(
        "attested manuscript: %s, %s",
        manuscripts.get(0).name().orElseThrow(), manuscripts.get(0).describe());
    // Issue 14: the AVS owner (account 0) registers it in the manuscript registry with a file://
    // locator into the run folder; the nodes are given no file and resolve it from the registry.
    Transactor ownerTx =
        ChainAccess.open(
            URI.create(anvil.rpcUrl()),
            anvil.account(0).credentials().getEcKeyPair(),
            Optional.of(anvil.chainId()));
    new ManuscriptRegistryWriter(ownerTx, d.address("CvmManuscriptRegistry"))
        .register(
            manuscriptHash,
            ManuscriptResolver.sha256(Files.readAllBytes(manuscriptFile)),
            manuscriptFile.toUri().toString());
    ownerTx.web3j().shutdown();
    step(
        "manuscript registered in CvmManuscriptRegistry %s (locator %s); the nodes resolve it"
            + " from the registry",
        d.address("CvmManuscriptRegistry"), manuscriptFile.toUri());
    int aggregatorAccount = settings.operators() + 2;
    int activityAccount = settings.operators() + 1;

    MonitorService monitor =
        MonitorService.startForDevnet(
            URI.create(anvil.rpcUrl()),
            deploymentFile,
            settings.workDirectory().resolve("monitor"),
            "127.0.0.1",
            settings.dashboardPort(),
            settings.webhooks());
    running.add(monitor);
    monitor
        .dashboardUrl()
        .ifPresent(url -> step("dashboard: %s (operators, tasks, slashing; live)", url));
    if (!settings.webhooks().isEmpty()) {
      step("slashing alerts go to %d webhook(s)", settings.webhooks().size());
    }

    Path aggregatorConfig =
        writeConfig("aggregator", aggregatorAccount, BlsKeyPair.generate(new SecureRandom()), 0);
    AggregatorCommand.Running aggregator =
        AggregatorCommand.start(
            OperatorConfigLoader.load(aggregatorConfig),
            anvil.account(aggregatorAccount).credentials().getEcKeyPair(),
            "127.0.0.1",
            0,
            Duration.ofMillis(500));
    running.add(aggregator);
    step(
        "aggregator listening on http://127.0.0.1:%d (account %s)",
        aggregator.port(), anvil.account(aggregatorAccount).address());

    List<BlsKeyPair> keys = new ArrayList<>();
    List<ValidatorKey> consensusKeys = new ArrayList<>();
    List<Path> configs = new ArrayList<>();
    for (int i = 1; i <= settings.operators(); i++) {
      BlsKeyPair bls = BlsKeyPair.generate(new SecureRandom());
      Path config = writeConfig("operator-" + i, i, bls, aggregator.port());
      // The operator's CVM chain validator key (Ed25519; the devnet's consensus driver signs with
      // it): its public key is what the operator registers as its consensus key.
      ValidatorKey consensusKey =
          ValidatorKey.fromSeed(
              Hash.sha3(("devnet consensus key " + i).getBytes(StandardCharsets.UTF_8)));
      seeded.register(config, consensusKey.publicKey());
      consensusKeys.add(consensusKey);
      keys.add(bls);
      configs.add(config);
      if (i <= settings.faulty()) { // faulty on purpose: its slashing alerts are expected
        monitor
            .monitor()
            .expectSlashingOf(anvil.account(i).address(), Bytes32.hex(bls.operatorId()));
      }
      step(
          "operator %d registered: %s, operatorId %s",
          i, anvil.account(i).address(), Bytes32.hex(bls.operatorId()));
    }

    anvil.setIntervalMining(settings.blockTime());
    step("anvil now mines a block every %d s", Math.max(1, settings.blockTime().toSeconds()));
    // issue 18: arlocal and the Helia daemon start now, in the background, for the anchoring phase
    anchoring =
        new DevnetAnchoring(anvil, settings.workDirectory().resolve("anchor"), m -> step("%s", m));
    running.add(anchoring);
    anchoring.prestart();
    Transactor generatorTx =
        ChainAccess.open(
            URI.create(anvil.rpcUrl()),
            anvil.account(0).credentials().getEcKeyPair(),
            Optional.of(anvil.chainId()));
    String taskManager = d.address("CvmTaskManager");
    reader = new TaskManagerReader(generatorTx, taskManager);
    window = reader.taskResponseWindowBlock();
    this.aggregator = aggregator.aggregator();
    // Token activity runs in the background from now on: about one transfer per block, so every
    // CVM block has records to attest.
    TokenActivity activity = new TokenActivity(anvil, d.address("CToken"), activityAccount);
    running.add(activity.startBackground());
    // CVM block 0 starts after the nodes have had time to start (a few blocks at 1 s each).
    long genesis = anvil.blockNumber() + 5 + settings.operators();
    NodeCommand.Options nodeOptions =
        new NodeCommand.Options(
            List.of(), // resolved from the manuscript registry (registered above)
            Optional.of(genesis),
            settings.span(),
            Duration.ofMillis(500),
            true,
            0); // the devnet's task generator tasks at once too (anvil does not reorganise)
    List<DevnetConsensus.Member> validators = new ArrayList<>();
    // The nodes (and through them their CVM chain validators) and the task generator's CVM share
    // Flink job results: they all run in this JVM on one Flink lane, so each CVM block's job runs
    // once instead of once per node (every CVM still ingests and checks its own source root, the
    // key of a shared result). The challenger keeps its own jobs.
    jobResults = new JobResults(64);
    for (int i = 0; i < settings.operators(); i++) {
      boolean faulty = i < settings.faulty();
      java.util.concurrent.atomic.AtomicReference<CvmTaskComputer> computer =
          new java.util.concurrent.atomic.AtomicReference<>();
      running.add(
          NodeCommand.start(
              OperatorConfigLoader.load(configs.get(i)),
              keys.get(i),
              nodeOptions,
              honest -> {
                computer.set(((CvmTaskComputer) honest).shareResults(jobResults));
                return faulty ? new FaultyComputer(honest) : honest;
              }));
      validators.add(
          new DevnetConsensus.Member(
              "operator-" + (i + 1),
              consensusKeys.get(i),
              keys.get(i),
              computer.get(),
              faulty,
              anvil.account(i + 1).credentials()));
    }
    step(
        "%d operator nodes running (WebSocket subscription + backfill)%s",
        settings.operators(),
        settings.faulty() == 0
            ? ""
            : String.format(
                "; operator%s %s sign%s WRONG results",
                settings.faulty() == 1 ? "" : "s",
                String.join(", ", faultyNames()),
                settings.faulty() == 1 ? "s" : ""));

    // The CVM chain: one validator per operator, its app in this JVM on its node's CVM. With fewer
    // than 4 validators one faulty or killed validator would stop it (no > 2/3 left), so it needs
    // 4.
    if (settings.operators() >= MIN_CHAIN_VALIDATORS) {
      consensus =
          DevnetConsensus.start(
              anvil,
              deploymentFile,
              settings.workDirectory(),
              manuscriptHash,
              genesis,
              settings.span(),
              validators,
              line -> step("%s", line));
      running.add(consensus);
      db3 = DevnetDb3.start(consensus.rpc(), line -> step("%s", line));
      try {
        bridge =
            DevnetBridge.start(
                anvil,
                d.address("CvmCheckpoints"),
                consensus.genesisSet(),
                consensus.rpc(),
                relayerAccount(settings.operators()),
                settings.workDirectory().resolve("relayer"),
                d.addresses().containsKey("CvmMisbehaviourSlasher")
                    ? Optional.of(d.address("CvmMisbehaviourSlasher"))
                    : Optional.empty(),
                line -> step("%s", line));
        running.add(bridge);
        roundTrip =
            DevnetRoundTrip.start(
                anvil,
                d.address("CBridge"),
                d.address("CvmCheckpoints"),
                d.address("CStaking"),
                consensus.rpc(),
                bridgeHolderAccount(settings.operators()),
                DevnetConsensus.deploymentBlock(d),
                line -> step("%s", line));
        running.add(roundTrip);
      } catch (RuntimeException e) {
        step("bridge: the relayer did not start: %s", e.getMessage());
      }
    } else {
      step(
          "CVM chain not started: it needs %d validators (one per operator), --operators is %d",
          MIN_CHAIN_VALIDATORS, settings.operators());
    }

    int challengerAccount = settings.operators() + 3;
    Path challengerConfig =
        writeConfig(
            "challenger",
            challengerAccount,
            BlsKeyPair.generate(new SecureRandom()),
            aggregator.port());
    ChallengerCommand.Running challenger =
        ChallengerCommand.start(
            OperatorConfigLoader.load(challengerConfig),
            anvil.account(challengerAccount).credentials().getEcKeyPair(),
            new ChallengerCommand.Options(
                manuscripts, Optional.of(genesis), settings.span(), Duration.ofMillis(500)),
            a -> {
              if (a.status() != Action.Status.INTENT) {
                step(
                    "challenger: %s task %d%s → %s%s",
                    a.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '),
                    a.taskIndex(),
                    a.operatorId().isEmpty() ? "" : " operator " + nameOf(a.operatorId(), keys),
                    a.status(),
                    a.requestId() > 0 ? " (request " + a.requestId() + ")" : "");
              }
            });
    running.add(challenger);
    step(
        "challenger running (account %s): re-executes every response and every dissenting"
            + " signature",
        anvil.account(challengerAccount).address());

    CvmTaskComputer cvm =
        new CvmTaskComputer(
                new CvmTaskComputer.Settings("eth", new BlockSchedule(genesis, settings.span())),
                manuscripts,
                anvil.web3j(),
                settings.workDirectory().resolve("task-generator-cvm"))
            .shareResults(jobResults);
    step("node API and metrics of every component:");
    endpoints.forEach(out::println);
    out.flush();
    java.util.concurrent.ScheduledExecutorService generatorThread =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("task-generator").daemon().factory());
    running.add(generatorThread::shutdownNow);
    // Issue 21: every task carries a fee (DevnetRewards: task-generator --fee, rewards run).
    rewards =
        new DevnetRewards(
            anvil,
            d,
            generatorTx,
            feeAccount(settings.operators()),
            settings.operators(),
            faultyNames(),
            settings.workDirectory(),
            line -> step("%s", line));
    running.add(rewards);
    TaskGenerator.Chain generatorChain = TaskGenerator.Chain.of(generatorTx, taskManager);
    TaskGenerator generator =
        new TaskGenerator(
                new TaskGenerator.Settings(
                    manuscriptHash,
                    new byte[] {0},
                    THRESHOLD_PERCENT,
                    genesis,
                    settings.span(),
                    0,
                    d.values().containsKey("deploymentBlock")
                        ? Long.parseLong(d.values().get("deploymentBlock"))
                        : 0,
                    Duration.ofMillis(200),
                    settings.taskLimit()),
                generatorChain,
                cvm,
                generatorThread,
                c -> {
                  rewards.escrowFor(c.task());
                  created.add(c);
                })
            .start();
    running.add(generator);
    step(
        "task generator running: one task per CVM block of %d chain blocks from block %d",
        settings.span(), genesis);

    List<DevnetSummary.Task> outcomes = new ArrayList<>();
    for (int n = 0; n < settings.cvmBlocks(); n++) {
      outcomes.add(nextTask());
      if (n == 0) {
        createUnanswered(generatorChain);
      }
    }
    if (!settings.keepRunning()) {
      generator.close();
    }
    Slashing slashing = awaitChallenges(challenger.challenger(), reader, d, keys);
    Optional<DevnetAnchoring.Outcome> storage =
        anchorBlocks(cvm, manuscriptFile, manuscriptHash, outcomes, d, keys);
    if (consensus != null) {
      try {
        consensus.summarise((int) outcomes.stream().filter(DevnetSummary.Task::responded).count());
      } catch (Exception e) {
        step("CVM chain: its summary failed: %s", e.getMessage());
      }
    }
    Optional<DevnetRewards.Outcome> fees = settleRewards();
    return new DevnetSummary(
        settings.operators(),
        outcomes,
        challenger.challenger().totals().challengesRaised(),
        faultyNames(),
        slashing.slashed(),
        slashing.complete(),
        storage,
        consensus == null ? Optional.empty() : consensus.outcome(),
        bridge == null
            ? consensus == null
                ? Optional.empty()
                : Optional.of(new DevnetBridge.Outcome(0, -1, -1))
            : Optional.of(bridge.outcome()),
        roundTrip == null
            ? Optional.empty()
            : Optional.of(
                roundTrip.outcome(DevnetRoundTrip.STEP_TIMEOUT.multipliedBy(2).plusSeconds(30))),
        fees,
        db3 == null
            ? Optional.empty()
            : Optional.of(db3.outcome(DevnetDb3.TIMEOUT.plusSeconds(30))));
  }

  /** Issue 21: one task nobody can answer, with a fee (see {@link DevnetRewards}). */
  private void createUnanswered(TaskGenerator.Chain chain) {
    try {
      rewards.createUnanswered(chain, lastTask, THRESHOLD_PERCENT);
    } catch (RuntimeException e) {
      step("rewards: the unanswered task was not created: %s", e.getMessage());
    }
  }

  /** Issue 21: refund, release, submission, root and a claim (empty if the phase failed). */
  private Optional<DevnetRewards.Outcome> settleRewards() throws InterruptedException {
    try {
      return Optional.of(rewards.settle(!settings.keepRunning()));
    } catch (RuntimeException e) {
      step("rewards: settling fees and rewards failed: %s", e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * Issue 18: the CVM blocks 0 to the highest tasked height — the CVM chain's finalised blocks when
   * the chain runs (checked against the hashes the AVS attested), else the blocks the task
   * generator's CVM computed — anchored to local disk, S3, Arweave and IPFS, one audit, and an
   * empty store recovered from the anchors ({@link DevnetAnchoring}).
   */
  private Optional<DevnetAnchoring.Outcome> anchorBlocks(
      CvmTaskComputer cvm,
      Path manuscriptFile,
      byte[] manuscriptHash,
      List<DevnetSummary.Task> outcomes,
      Deployments d,
      List<BlsKeyPair> keys) {
    long last = outcomes.stream().mapToLong(DevnetSummary.Task::cvmHeight).max().orElse(-1);
    if (last < 0) {
      return Optional.empty();
    }
    if (anchoring == null) {
      anchoring =
          new DevnetAnchoring(
              anvil, settings.workDirectory().resolve("anchor"), m -> step("%s", m));
      running.add(anchoring);
    }
    try {
      List<io.cvmavs.cvm.block.CvmBlock> blocks =
          consensus == null
              ? computedBlocks(cvm, manuscriptHash, last)
              : chainBlocks(cvm, manuscriptFile, manuscriptHash, last);
      if (blocks.isEmpty()) {
        step("anchoring skipped: no CVM block to anchor");
        return Optional.of(new DevnetAnchoring.Outcome(0, 0, "-", false, "-", false));
      }
      last = blocks.size() - 1;
      step("anchoring CVM blocks 0..%d to local disk, S3, Arweave and IPFS (AnchorRegistry)", last);
      return Optional.of(
          anchoring.run(
              Files.readAllBytes(manuscriptFile),
              manuscriptHash,
              blocks,
              d.address("AnchorRegistry"),
              anchorAccount(settings.operators()),
              Long.parseLong(d.values().getOrDefault("deploymentBlock", "0")),
              d.findAddress("StorageAudit")
                  .map(
                      audit ->
                          new DevnetAnchoring.Auditors(
                              audit, d.address("CvmRegistry"), List.copyOf(keys)))));
    } catch (Exception e) {
      step("anchoring failed: %s", e.getMessage());
      return Optional.of(new DevnetAnchoring.Outcome(0, 0, "-", false, "-", false));
    }
  }

  private static List<io.cvmavs.cvm.block.CvmBlock> computedBlocks(
      CvmTaskComputer cvm, byte[] manuscriptHash, long last) {
    List<io.cvmavs.cvm.block.CvmBlock> blocks = new ArrayList<>();
    for (long h = 0; h <= last; h++) {
      blocks.add(cvm.block(manuscriptHash, h));
    }
    return blocks;
  }

  /**
   * The CVM chain's finalised CVM blocks 0..{@code last} as {@code cvm-avs anchor} reads them
   * ({@link CvmChainBlocks}: over the chain's RPC, each checked against the hash the chain
   * committed), once the chain has finalised them (it trails the AVS tasks by a few heights; at
   * most {@link #CHAIN_BLOCKS_WAIT}); each is compared with the block the AVS attested. Fewer
   * blocks when the chain is behind at the deadline (said on the console).
   */
  private List<io.cvmavs.cvm.block.CvmBlock> chainBlocks(
      CvmTaskComputer cvm, Path manuscriptFile, byte[] manuscriptHash, long last) throws Exception {
    CometRpcClient rpc = new CometRpcClient(consensus.rpc(), Duration.ofSeconds(15));
    running.add(rpc);
    CvmChainBlocks chain =
        new CvmChainBlocks(
            CvmChainBlocks.Node.rpc(rpc),
            Files.readAllBytes(manuscriptFile),
            new CvmChainBlocks.Trust(
                1,
                consensus.firstHeaderHash(),
                io.cvmavs.consensus.light.LightVerifier.Options.of(Duration.ofDays(14))),
            java.time.Clock.systemUTC());
    long deadline = System.nanoTime() + CHAIN_BLOCKS_WAIT.toNanos();
    long finalised = finalisedOrMinus1(chain);
    while (finalised < last && System.nanoTime() < deadline) {
      Thread.sleep(500);
      finalised = finalisedOrMinus1(chain);
    }
    long upTo = Math.min(last, finalised);
    List<io.cvmavs.cvm.block.CvmBlock> blocks = new ArrayList<>();
    for (long h = 0; h <= upTo; h++) {
      io.cvmavs.cvm.block.CvmBlock b = chain.block(h);
      if (!java.util.Arrays.equals(b.hash(), cvm.block(manuscriptHash, h).hash())) {
        throw new IllegalStateException(
            "the CVM chain's block "
                + h
                + " differs from the one the AVS attested (hash "
                + java.util.HexFormat.of().formatHex(b.hash())
                + ")");
      }
      blocks.add(b);
    }
    step(
        "anchoring reads the CVM chain's finalised CVM blocks 0..%d over its RPC, checked by the"
            + " light client from the first header (%d CometBFT blocks: headers, data hashes, %d"
            + " app-hash leaf sets; the same hashes the AVS tasks attested)%s",
        upTo,
        chain.blocksRead(),
        chain.statesChecked(),
        upTo < last
            ? String.format("; the chain had not finalised %d..%d yet", upTo + 1, last)
            : "");
    return blocks;
  }

  private static long finalisedOrMinus1(CvmChainBlocks chain) {
    try {
      return chain.finalisedHeight();
    } catch (RuntimeException e) {
      return -1;
    }
  }

  /** How long anchoring waits for the CVM chain to finalise the blocks the AVS attested. */
  static final Duration CHAIN_BLOCKS_WAIT = Duration.ofSeconds(60);

  /**
   * The CVM chain finalised CVM blocks with certificates, its killed validator caught up and the
   * light client verified its head (after {@link #run}).
   */
  boolean consensusOk() {
    return consensus == null || consensus.outcome().map(DevnetConsensus.Outcome::ok).orElse(false);
  }

  /** Waits for the next task the generator creates, prints it and waits for its response. */
  private DevnetSummary.Task nextTask() throws InterruptedException {
    TaskGenerator.Created c = created.take();
    CvmTask task = c.task();
    lastTask = task;
    step(
        "task %d created for CVM block %d (chain blocks %d..%d)",
        task.taskIndex(), task.cvmBlockHeight(), c.input().fromBlock(), c.input().toBlock());
    return awaitResponse(reader, aggregator, task, c.createdAtMillis(), window);
  }

  /**
   * With {@code keepRunning}, after {@link #run}: prints every further task and its response, until
   * the calling thread is interrupted.
   */
  void followTasks() throws InterruptedException {
    if (!settings.keepRunning()) {
      throw new IllegalStateException("the task generator stopped after the summary");
    }
    while (true) {
      nextTask();
    }
  }

  /** Operators slashed for wrong results and whether every fault was followed to its end. */
  private record Slashing(List<String> slashed, boolean complete) {}

  /**
   * Waits until the challenger has followed every fault to its end (raised, veto window passed,
   * fulfilled) — at most the challenge and veto windows plus a margin — and reads from chain who
   * was slashed for a wrong result.
   */
  private Slashing awaitChallenges(
      Challenger challenger, TaskManagerReader reader, Deployments d, List<BlsKeyPair> keys)
      throws InterruptedException {
    long deploymentBlock = Long.parseLong(d.values().getOrDefault("deploymentBlock", "0"));
    var config = reader.config();
    long deadline =
        reader.blockNumber() + config.challengeWindowBlock() + config.vetoWindowBlock() + 10;
    if (settings.faulty() > 0) {
      step(
          "waiting for the challenger: faults must be raised, survive the %d-block veto window and"
              + " be fulfilled",
          config.vetoWindowBlock());
    }
    while (true) {
      List<String> slashed = slashedOperators(reader, deploymentBlock, keys);
      boolean allFaultySlashed = slashed.containsAll(faultyNames());
      boolean idle = challenger.open().isEmpty();
      if ((allFaultySlashed && idle) || anvil.blockNumber() > deadline) {
        return new Slashing(slashed, allFaultySlashed && idle);
      }
      Thread.sleep(250);
    }
  }

  private List<String> slashedOperators(
      TaskManagerReader reader, long fromBlock, List<BlsKeyPair> keys) {
    java.util.TreeSet<String> names = new java.util.TreeSet<>();
    for (var e : reader.operatorsSlashedForWrongResult(fromBlock, reader.blockNumber())) {
      for (int i = 1; i <= settings.operators(); i++) {
        if (anvil.account(i).address().equalsIgnoreCase(e.operator())) {
          names.add("operator-" + i);
        }
      }
    }
    return List.copyOf(names);
  }

  private static String nameOf(String operatorId, List<BlsKeyPair> keys) {
    for (int i = 0; i < keys.size(); i++) {
      if (Bytes32.hex(keys.get(i).operatorId()).equalsIgnoreCase(operatorId)) {
        return "operator-" + (i + 1);
      }
    }
    return operatorId;
  }

  private List<String> faultyNames() {
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= settings.faulty(); i++) {
      names.add("operator-" + i);
    }
    return names;
  }

  private DevnetSummary.Task awaitResponse(
      TaskManagerReader reader,
      Aggregator aggregator,
      CvmTask task,
      long createdAtMillis,
      long window)
      throws InterruptedException {
    long deadlineBlock = task.taskCreatedBlock() + window;
    while (!reader.isResponded(task.taskIndex())) {
      if (anvil.blockNumber() > deadlineBlock) {
        step("task %d NOT responded within its %d-block window", task.taskIndex(), window);
        return new DevnetSummary.Task(
            task.taskIndex(),
            task.cvmBlockHeight(),
            false,
            createdAtMillis,
            -1,
            -1,
            signers(aggregator, task));
      }
      Thread.sleep(100);
    }
    long latency = System.currentTimeMillis() - createdAtMillis;
    // The response's log and receipt can trail the state read that saw it by a moment on anvil:
    // look again for up to 2 s before printing no figure.
    long gas = responseGas(reader, task);
    for (int i = 0; gas < 0 && i < 20; i++) {
      Thread.sleep(100);
      gas = responseGas(reader, task);
    }
    int signers = signers(aggregator, task);
    step(
        "task %d responded on chain in %.2f s, signed by %d/%d operators, %s gas",
        task.taskIndex(), latency / 1000.0, signers, settings.operators(), gas);
    return new DevnetSummary.Task(
        task.taskIndex(), task.cvmBlockHeight(), true, createdAtMillis, latency, gas, signers);
  }

  /**
   * Gas used by the transaction that answered {@code task} (from its TaskResponded log's receipt).
   */
  private long responseGas(TaskManagerReader reader, CvmTask task) {
    for (TaskManagerAbi.TaskResponded r :
        reader.responses(task.taskCreatedBlock(), reader.blockNumber())) {
      if (r.taskIndex() == task.taskIndex()) {
        try {
          return anvil
              .web3j()
              .ethGetTransactionReceipt(r.transactionHash())
              .send()
              .getTransactionReceipt()
              .map(receipt -> receipt.getGasUsed().longValueExact())
              .orElse(-1L);
        } catch (IOException e) {
          return -1;
        }
      }
    }
    return -1;
  }

  private static int signers(Aggregator aggregator, CvmTask task) {
    return aggregator
        .status(task.taskIndex())
        .map(s -> s.signersByDigest().values().stream().mapToInt(Integer::intValue).max().orElse(0))
        .orElse(0);
  }

  /**
   * The seeded operator files of one component (keystores, operator.yaml) under the run folder.
   * Every component serves the EigenLayer node API and Prometheus metrics on its own free loopback
   * ports, listed as the devnet starts them; operator sockets are 127.0.0.1:(19000 + account).
   */
  private Path writeConfig(String name, int account, BlsKeyPair bls, int aggregatorPort) {
    int nodeApiPort = FreePort.onLoopback();
    int metricsPort = FreePort.onLoopback();
    endpoints.add(
        String.format(
            "  %-12s node API http://127.0.0.1:%d/eigen/node/health"
                + "   metrics http://127.0.0.1:%d/metrics",
            name, nodeApiPort, metricsPort));
    return seeded.write(
        SeededOperators.Operator.of(name, account, bls)
            .manuscriptLocatorDir(settings.workDirectory())
            .aggregatorPort(aggregatorPort)
            .socketPort(19_000 + account)
            .endpoints(nodeApiPort, metricsPort));
  }

  private void step(String format, Object... args) {
    out.println("[devnet] " + String.format(format, args));
    out.flush();
  }

  /**
   * Deploys with the aggregator role on its own account, so its transactions never race the task
   * generator's.
   */
  static Path deploy(RepoLayout repo, AnvilNode anvil, Path out, int operators, Path logDir) {
    return SeededOperators.deploy(
        repo,
        anvil,
        operators + 2,
        out,
        logDir.resolve("forge-deploy-" + UUID.randomUUID().toString().substring(0, 8) + ".log"),
        Map.of(
            "AVS_ANCHOR_SUBMITTER",
            anvil.account(anchorAccount(operators)).address(),
            "CVM_CHAIN_ID",
            DevnetConsensus.CHAIN_ID,
            "AVS_REWARDS_INITIATOR",
            anvil.account(feeAccount(operators)).address(),
            "REWARDS_UPDATER",
            anvil.account(feeAccount(operators)).address()));
  }

  @Override
  public void close() {
    // Stopping after an interrupt (anvil died, Ctrl-C): every component still gets a clean close.
    boolean interrupted = Thread.interrupted();
    for (int i = running.size() - 1; i >= 0; i--) {
      try {
        running.get(i).close();
      } catch (Exception e) {
        out.println("[devnet] warning: stopping a component failed: " + e.getMessage());
      }
    }
    running.clear();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * ERC-20 transfers of `$C` from one account, so CVM blocks have records to attest. Receipts are
   * polled every 100 ms (web3j's default is 15 s, which on 1-second blocks left most CVM ranges
   * without a transfer).
   */
  static final class TokenActivity {
    private final CToken token;
    private final AnvilNode anvil;
    private final SecureRandom random = new SecureRandom();
    private final java.util.concurrent.atomic.AtomicLong transfers =
        new java.util.concurrent.atomic.AtomicLong();

    TokenActivity(AnvilNode anvil, String tokenAddress, int account) throws Exception {
      this.anvil = anvil;
      CToken asMinter =
          CToken.load(tokenAddress, anvil.web3j(), fastManager(anvil, 0), new DefaultGasProvider());
      asMinter.mint(anvil.account(account).address(), BigInteger.TEN.pow(24)).send();
      this.token =
          CToken.load(
              tokenAddress, anvil.web3j(), fastManager(anvil, account), new DefaultGasProvider());
    }

    private static TransactionManager fastManager(AnvilNode anvil, int account) {
      return new RawTransactionManager(
          anvil.web3j(),
          anvil.account(account).credentials(),
          anvil.chainId(),
          new PollingTransactionReceiptProcessor(anvil.web3j(), 100, 600));
    }

    /** One transfer of a random small amount to a random dev account; waits for it to be mined. */
    void transfer() throws Exception {
      int to = random.nextInt(anvil.accounts().size());
      token
          .transfer(anvil.account(to).address(), BigInteger.valueOf(1 + random.nextInt(1_000_000)))
          .send();
      transfers.incrementAndGet();
    }

    /** Transfers one after another on a background thread until the returned handle is closed. */
    AutoCloseable startBackground() {
      Thread thread =
          Thread.ofPlatform()
              .name("devnet-token-activity")
              .daemon()
              .start(
                  () -> {
                    while (!Thread.currentThread().isInterrupted()) {
                      try {
                        transfer();
                      } catch (InterruptedException e) {
                        return;
                      } catch (Exception e) {
                        if (Thread.currentThread().isInterrupted()) {
                          return;
                        }
                        try {
                          Thread.sleep(500);
                        } catch (InterruptedException stop) {
                          return;
                        }
                      }
                    }
                  });
      return () -> {
        thread.interrupt();
        thread.join(5_000);
      };
    }

    long transfers() {
      return transfers.get();
    }
  }
}
