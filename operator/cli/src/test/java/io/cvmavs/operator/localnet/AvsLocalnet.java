package io.cvmavs.operator.localnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cvmavs.chain.abi.Bytes32;
import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.chain.avs.ManuscriptRegistryWriter;
import io.cvmavs.chain.avs.TaskManagerReader;
import io.cvmavs.chain.avs.TaskManagerWriter;
import io.cvmavs.chain.avs.TaskResponse;
import io.cvmavs.chain.rpc.ChainAccess;
import io.cvmavs.chain.rpc.Transactor;
import io.cvmavs.contracts.Deployments;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.cvm.block.CvmBlock;
import io.cvmavs.cvm.task.AttestedManuscript;
import io.cvmavs.cvm.task.BlockSchedule;
import io.cvmavs.cvm.task.CvmTaskComputer;
import io.cvmavs.cvm.task.ManuscriptResolver;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.process.RepoLayout;
import io.cvmavs.operator.aggregator.AggregatorCommand;
import io.cvmavs.operator.cli.CvmAvsCommand;
import io.cvmavs.operator.cvmtasks.CvmTasks;
import io.cvmavs.operator.devnet.SeededOperators;
import io.cvmavs.operator.node.NodeCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.web3j.crypto.Hash;

/**
 * The AVS on a real anvil for integration tests: the real forge deploy (aggregator role on anvil
 * account 9), operator keystores and {@code operator.yaml} files, the {@code cvm-avs} CLI
 * in-process, the aggregator, and a task generator (account 0) that builds CVM blocks itself.
 * Operator {@code i} (1..8) uses anvil account {@code i} and a BLS key derived from {@code i}.
 */
public final class AvsLocalnet {
  public static final String BLS_PASSWORD = "bls password";
  public static final String ECDSA_PASSWORD = "ecdsa password";
  public static final long SPAN = 10;
  public static final Duration WAIT = Duration.ofSeconds(90);
  public static final int AGGREGATOR_ACCOUNT = 9;

  /**
   * The fixture's manuscript: the range's token_transfers as they are (a pass-through manuscript,
   * so in-process nodes need no Flink job).
   */
  public static final byte[] MANUSCRIPT =
      """
      name: identity
      specVersion: v1.0.0
      sources:
        - name: transfers
          type: dataset
          dataset: eth.token_transfers
      sinks:
        - name: token_transfers
          type: dataset
          from: transfers
          primary_key: [block_number, log_index]
      """
          .getBytes(java.nio.charset.StandardCharsets.UTF_8);

  public static final byte[] MANUSCRIPT_HASH = Hash.sha3(MANUSCRIPT);

  /** The fixture's keystore passwords (handed to the CLI through its environment). */
  public static final SeededOperators.Passwords PASSWORDS =
      new SeededOperators.Passwords(BLS_PASSWORD, ECDSA_PASSWORD);

  private final AnvilNode anvil;
  private final Path dir;
  private final Path deploymentFile;
  private final Deployments deployments;
  private final long deploymentBlock;
  private final SeededOperators seeded;
  private Transactor generatorTx;
  private GeneratorCvm generatorCvm;

  private AvsLocalnet(AnvilNode anvil, Path dir, Path deploymentFile) {
    this.anvil = anvil;
    this.dir = dir;
    this.deploymentFile = deploymentFile;
    this.deployments = Deployments.read(deploymentFile);
    this.deploymentBlock = Long.parseLong(deployments.values().get("deploymentBlock"));
    this.seeded =
        new SeededOperators(anvil, deploymentFile, dir, PASSWORDS, CvmAvsCommand::commandLine);
  }

  /**
   * Runs the forge deploy script against {@code anvil}; files go under {@code dir}. {@link
   * #MANUSCRIPT} is registered in the deployment's manuscript registry ({@code createTask} refuses
   * a manuscript that is not Active there), with a {@code file://} locator in {@link
   * #manuscriptDir()}.
   */
  public static AvsLocalnet deploy(AnvilNode anvil, Path dir, String tag) {
    AvsLocalnet net = new AvsLocalnet(anvil, dir, deployFile(anvil, tag));
    net.registerManuscript(MANUSCRIPT, "manuscript.yaml", true);
    return net;
  }

  /**
   * Registers {@code manuscriptHash} in {@code deployments}' manuscript registry from {@code owner}
   * (the AVS owner) for chain-level tests whose tasks name a hash no node fetches: the content hash
   * is SHA-256 of the hash and the locator a {@code file://} path that does not exist.
   */
  public static void registerHash(
      Transactor owner, Deployments deployments, byte[] manuscriptHash) {
    new ManuscriptRegistryWriter(owner, deployments.address("CvmManuscriptRegistry"))
        .register(
            manuscriptHash,
            ManuscriptResolver.sha256(manuscriptHash),
            "file:///nonexistent/" + HexFormat.of().formatHex(manuscriptHash) + ".yaml");
  }

  /** The folder registered {@code file://} manuscripts of this localnet are written to. */
  public Path manuscriptDir() {
    return dir.resolve("registered-manuscripts");
  }

  /**
   * Registers {@code bytes} (owner: account 0, the deployer) with the locator {@code
   * file://<manuscriptDir>/<name>}; the file is written there only when {@code writeFile}. Returns
   * the manuscript hash.
   */
  public byte[] registerManuscript(byte[] bytes, String name, boolean writeFile) {
    Path file = manuscriptDir().resolve(name).toAbsolutePath();
    try {
      Files.createDirectories(file.getParent());
      if (writeFile) {
        Files.write(file, bytes);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] hash = Hash.sha3(bytes);
    new ManuscriptRegistryWriter(generatorTx(), deployments.address("CvmManuscriptRegistry"))
        .register(hash, ManuscriptResolver.sha256(bytes), file.toUri().toString());
    return hash;
  }

  /**
   * The forge deploy against {@code anvil} with the aggregator role on account {@value
   * #AGGREGATOR_ACCOUNT}; the deployment file goes to {@code target/deployments/<tag>-<uuid>.json},
   * forge's log to {@code target/localnet}.
   */
  public static Path deployFile(AnvilNode anvil, String tag) {
    return SeededOperators.deploy(
        RepoLayout.locate(),
        anvil,
        AGGREGATOR_ACCOUNT,
        Path.of("target", "deployments", tag + "-" + UUID.randomUUID() + ".json"),
        Path.of("target", "localnet", "forge-deploy-" + tag + "-" + anvil.port() + ".log")
            .toAbsolutePath());
  }

  public AnvilNode anvil() {
    return anvil;
  }

  public Path deploymentFile() {
    return deploymentFile;
  }

  public Deployments deployments() {
    return deployments;
  }

  public long deploymentBlock() {
    return deploymentBlock;
  }

  public Map<String, String> env() {
    return PASSWORDS.env();
  }

  /** The seeded operator fixture on this deployment (files under this localnet's folder). */
  public SeededOperators seeded() {
    return seeded;
  }

  /** The BLS key of operator {@code i}. */
  public static BlsKeyPair operatorKey(int i) {
    return BlsKeyPair.fromSecret(
        new BigInteger(1, Hash.sha3(("operator-" + i).getBytes())).mod(BigInteger.TWO.pow(250)));
  }

  /**
   * Keystores and an {@code operator.yaml} in {@code dir/name}, for anvil account {@code account}.
   */
  public Path writeOperator(String name, int account, BlsKeyPair bls, int aggregatorPort) {
    return writeOperator(name, account, bls, aggregatorPort, anvil.wsUrl());
  }

  /** As {@link #writeOperator(String, int, BlsKeyPair, int)} with another WebSocket URL. */
  public Path writeOperator(
      String name, int account, BlsKeyPair bls, int aggregatorPort, String wsUrl) {
    return seeded.write(
        SeededOperators.Operator.of(name, account, bls)
            .aggregatorPort(aggregatorPort)
            .wsUrl(wsUrl));
  }

  /**
   * {@code operator register} for operator {@code i} (account {@code i}) with the walk-through's
   * amounts; asserts that every step was done.
   */
  public Path registerOperator(int i, int aggregatorPort) {
    return registerOperator(i, aggregatorPort, anvil.wsUrl());
  }

  public Path registerOperator(int i, int aggregatorPort, String wsUrl) {
    return registerOperator(
        i,
        SeededOperators.Operator.of("op" + i, i, operatorKey(i))
            .aggregatorPort(aggregatorPort)
            .wsUrl(wsUrl));
  }

  /**
   * As {@link #registerOperator(int, int)}, with {@code manuscript_locator_dirs: [manuscriptDir]}:
   * the node can fetch this localnet's registered manuscripts, so it needs no {@code --manuscript}.
   */
  public Path registerResolvingOperator(int i, int aggregatorPort) {
    return registerOperator(
        i,
        SeededOperators.Operator.of("op" + i, i, operatorKey(i))
            .aggregatorPort(aggregatorPort)
            .wsUrl(anvil.wsUrl())
            .manuscriptLocatorDir(manuscriptDir()));
  }

  private Path registerOperator(int i, SeededOperators.Operator op) {
    BlsKeyPair bls = operatorKey(i);
    Path config = seeded.write(op);
    String out = seeded.register(config, Hash.sha3(("consensus-" + i).getBytes()));
    assertThat(out)
        .contains("done     registerAsOperator")
        .contains("done     deposit")
        .contains("done     allocate")
        .contains("done     stake $C")
        .contains("done     registerForOperatorSets")
        .contains(Bytes32.hex(bls.operatorId()));
    return config;
  }

  /** The aggregator (account 9) in-process on a free port (or {@code port}). */
  public AggregatorCommand.Running startAggregator(int port) {
    return seeded.startAggregator(
        SeededOperators.Operator.of(
            "aggregator", AGGREGATOR_ACCOUNT, BlsKeyPair.fromSecret(BigInteger.valueOf(999))),
        port,
        Duration.ofMillis(300));
  }

  /** Node options for in-process nodes: the fixture's manuscript and CVM genesis. */
  public NodeCommand.Options nodeOptions(Duration poll, boolean subscribe) {
    return new NodeCommand.Options(
        manuscripts(), Optional.of(deploymentBlock + 1), SPAN, poll, subscribe);
  }

  /**
   * Node options without {@code --manuscript}: the node resolves tasks' manuscripts through the
   * deployment's manuscript registry.
   */
  public NodeCommand.Options registryNodeOptions(Duration poll, boolean subscribe) {
    return new NodeCommand.Options(
        List.of(), Optional.of(deploymentBlock + 1), SPAN, poll, subscribe);
  }

  /** {@link #MANUSCRIPT}, loaded as a CVM attests it. */
  public static List<AttestedManuscript> manuscripts() {
    return List.of(AttestedManuscript.load("eth", "manuscript.yaml", MANUSCRIPT));
  }

  /**
   * The task generator's CVM over the fixture's manuscript, answering in the task manager's types.
   */
  public record GeneratorCvm(CvmTaskComputer computer) {
    public long rangeEnd(long height) {
      return computer.rangeEnd(height);
    }

    public CvmBlock block(long height) {
      return computer.block(MANUSCRIPT_HASH, height);
    }

    public TaskResponse compute(CvmTask task) {
      return CvmTasks.response(computer.compute(CvmTasks.input(task)));
    }
  }

  /** Runs the {@code cvm-avs} CLI in-process; asserts exit code 0 and returns stdout. */
  public String cli(String... args) {
    SeededOperators.CliResult r = run(args);
    assertThat(r.exitCode())
        .as(String.join(" ", args) + "\nstdout:\n" + r.out() + "\nstderr:\n" + r.err())
        .isZero();
    return r.out();
  }

  /** Runs the {@code cvm-avs} CLI in-process. */
  public SeededOperators.CliResult run(String... args) {
    return seeded.cli(args);
  }

  // ------------------------------------------------------------------ tasks

  public synchronized Transactor generatorTx() {
    if (generatorTx == null) {
      generatorTx =
          ChainAccess.open(
              URI.create(anvil.rpcUrl()),
              anvil.account(0).credentials().getEcKeyPair(),
              Optional.of(anvil.chainId()));
    }
    return generatorTx;
  }

  public String taskManager() {
    return deployments.address("CvmTaskManager");
  }

  public TaskManagerReader reader() {
    return new TaskManagerReader(generatorTx(), taskManager());
  }

  /** The task generator's own CVM block computer (its own copy of the chain data). */
  public synchronized GeneratorCvm generatorCvm() {
    if (generatorCvm == null) {
      generatorCvm =
          new GeneratorCvm(
              new CvmTaskComputer(
                  new CvmTaskComputer.Settings("eth", new BlockSchedule(deploymentBlock + 1, SPAN)),
                  manuscripts(),
                  anvil.web3j(),
                  dir.resolve("generator-cvm")));
    }
    return generatorCvm;
  }

  /**
   * Creates the task for CVM block {@code height} (quorum 0, threshold 67 %), mining empty blocks
   * first if its chain range has not ended yet.
   */
  public CvmTask createTask(long height) {
    return createTask(height, MANUSCRIPT_HASH);
  }

  /** As {@link #createTask(long)}, naming another registered manuscript. */
  public CvmTask createTask(long height, byte[] manuscriptHash) {
    long head = reader().blockNumber();
    long end = generatorCvm().rangeEnd(height);
    if (head <= end) {
      ChainAccess.anvilMine(URI.create(anvil.rpcUrl()), end - head + 1);
    }
    var block = generatorCvm().block(height);
    return new TaskManagerWriter(generatorTx(), taskManager())
        .createTask(
            height,
            manuscriptHash,
            CvmTaskComputer.inputCommitmentHash(block.header().input()),
            new byte[] {0},
            67);
  }

  public void awaitResponded(CvmTask task) {
    TaskManagerReader reader = reader();
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> reader.isResponded(task.taskIndex()));
  }

  /** Every task index in {@code tasks}. */
  public static List<Long> indices(List<CvmTask> tasks) {
    List<Long> out = new ArrayList<>();
    tasks.forEach(t -> out.add(t.taskIndex()));
    return out;
  }
}
