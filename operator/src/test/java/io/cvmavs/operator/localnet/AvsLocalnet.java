package io.cvmavs.operator.localnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cvmavs.chain.abi.Bytes32;
import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.chain.avs.TaskManagerReader;
import io.cvmavs.chain.avs.TaskManagerWriter;
import io.cvmavs.chain.rpc.ChainAccess;
import io.cvmavs.chain.rpc.Transactor;
import io.cvmavs.contracts.Deployments;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.crypto.keystore.BlsKeystore;
import io.cvmavs.crypto.keystore.EcdsaKeystore;
import io.cvmavs.crypto.keystore.ScryptParams;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.forge.ForgeDeploy;
import io.cvmavs.localnet.process.RepoLayout;
import io.cvmavs.operator.aggregator.AggregatorCommand;
import io.cvmavs.operator.cli.CvmAvsCommand;
import io.cvmavs.operator.command.CliContext;
import io.cvmavs.operator.config.OperatorConfigLoader;
import io.cvmavs.operator.node.CvmBlockComputer;
import io.cvmavs.operator.node.NodeCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.web3j.crypto.Hash;
import picocli.CommandLine;

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
  public static final byte[] MANUSCRIPT =
      "name: identity\n# the attested dataset is the range's token_transfers\n".getBytes();
  public static final byte[] MANUSCRIPT_HASH = Hash.sha3(MANUSCRIPT);

  /** The result of one CLI run. */
  public record CliResult(int exitCode, String out, String err) {}

  private final AnvilNode anvil;
  private final Path dir;
  private final Path deploymentFile;
  private final Deployments deployments;
  private final long deploymentBlock;
  private final Map<String, String> env =
      Map.of(
          "OPERATOR_BLS_KEY_PASSWORD", BLS_PASSWORD, "OPERATOR_ECDSA_KEY_PASSWORD", ECDSA_PASSWORD);
  private Transactor generatorTx;
  private CvmBlockComputer generatorCvm;

  private AvsLocalnet(AnvilNode anvil, Path dir, Path deploymentFile) {
    this.anvil = anvil;
    this.dir = dir;
    this.deploymentFile = deploymentFile;
    this.deployments = Deployments.read(deploymentFile);
    this.deploymentBlock = Long.parseLong(deployments.values().get("deploymentBlock"));
  }

  /** Runs the forge deploy script against {@code anvil}; files go under {@code dir}. */
  public static AvsLocalnet deploy(AnvilNode anvil, Path dir, String tag) {
    // Aggregator role on its own account, so its transactions never race the task generator's.
    Path deploymentFile =
        ForgeDeploy.deploy(
            RepoLayout.locate(),
            anvil.rpcUrl(),
            anvil.account(0).privateKeyHex(),
            Path.of("target", "deployments", tag + "-" + UUID.randomUUID() + ".json"),
            Path.of("target", "localnet", "forge-deploy-" + tag + "-" + anvil.port() + ".log")
                .toAbsolutePath(),
            Map.of("AVS_AGGREGATOR", anvil.account(AGGREGATOR_ACCOUNT).address()));
    return new AvsLocalnet(anvil, dir, deploymentFile);
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
    return env;
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
    try {
      Path opDir = Files.createDirectories(dir.resolve(name));
      EcdsaKeystore.write(
          opDir.resolve("ecdsa.json"),
          anvil.account(account).credentials().getEcKeyPair(),
          ECDSA_PASSWORD.toCharArray(),
          ScryptParams.LIGHT,
          new SecureRandom());
      BlsKeystore.write(
          opDir.resolve("bls.json"),
          bls,
          BLS_PASSWORD.toCharArray(),
          ScryptParams.LIGHT,
          new SecureRandom());
      Path config = opDir.resolve("operator.yaml");
      Files.writeString(
          config,
          String.join(
              "\n",
              "node_name: " + name,
              "eth_rpc_url: " + anvil.rpcUrl(),
              "eth_ws_url: " + wsUrl,
              "chain_id: " + anvil.chainId(),
              "deployment_file: " + deploymentFile.toAbsolutePath(),
              "ecdsa_private_key_store_path: ecdsa.json",
              "bls_private_key_store_path: bls.json",
              "aggregator_url: http://127.0.0.1:" + aggregatorPort + "/",
              "operator_socket: 127.0.0.1:" + (9000 + account),
              "enable_node_api: false",
              "enable_metrics: false",
              "data_dir: data",
              ""));
      return config;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code operator register} for operator {@code i} (account {@code i}) with the walk-through's
   * amounts; asserts that every step was done.
   */
  public Path registerOperator(int i, int aggregatorPort) {
    return registerOperator(i, aggregatorPort, anvil.wsUrl());
  }

  public Path registerOperator(int i, int aggregatorPort, String wsUrl) {
    BlsKeyPair bls = operatorKey(i);
    Path config = writeOperator("op" + i, i, bls, aggregatorPort, wsUrl);
    String out =
        cli(
            "operator",
            "register",
            "--config",
            config.toString(),
            "--deposit",
            "100ether",
            "--c-stake",
            "50ether",
            "--consensus-key",
            Bytes32.hex(Hash.sha3(("consensus-" + i).getBytes())),
            "--devnet-fund");
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
    Path config = dir.resolve("aggregator").resolve("operator.yaml");
    if (!Files.exists(config)) {
      writeOperator(
          "aggregator", AGGREGATOR_ACCOUNT, BlsKeyPair.fromSecret(BigInteger.valueOf(999)), 1);
    }
    return AggregatorCommand.start(
        OperatorConfigLoader.load(config),
        anvil.account(AGGREGATOR_ACCOUNT).credentials().getEcKeyPair(),
        "127.0.0.1",
        port,
        Duration.ofMillis(300));
  }

  /** Node options for in-process nodes: the fixture's manuscript and CVM genesis. */
  public NodeCommand.Options nodeOptions(Duration poll, boolean subscribe) {
    return new NodeCommand.Options(
        MANUSCRIPT_HASH, Optional.of(deploymentBlock + 1), SPAN, poll, subscribe);
  }

  /** Runs the {@code cvm-avs} CLI in-process; asserts exit code 0 and returns stdout. */
  public String cli(String... args) {
    CliResult r = run(args);
    assertThat(r.exitCode())
        .as(String.join(" ", args) + "\nstdout:\n" + r.out() + "\nstderr:\n" + r.err())
        .isZero();
    return r.out();
  }

  /** Runs the {@code cvm-avs} CLI in-process. */
  public CliResult run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = CvmAvsCommand.commandLine(new CliContext(env::get));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new CliResult(exit, out.toString(), err.toString());
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
  public synchronized CvmBlockComputer generatorCvm() {
    if (generatorCvm == null) {
      generatorCvm =
          new CvmBlockComputer(
              new CvmBlockComputer.Settings("eth", deploymentBlock + 1, SPAN, MANUSCRIPT_HASH),
              anvil.web3j(),
              dir.resolve("generator-cvm"));
    }
    return generatorCvm;
  }

  /**
   * Creates the task for CVM block {@code height} (quorum 0, threshold 67 %), mining empty blocks
   * first if its chain range has not ended yet.
   */
  public CvmTask createTask(long height) {
    long head = reader().blockNumber();
    long end = generatorCvm().rangeEnd(height);
    if (head <= end) {
      ChainAccess.anvilMine(URI.create(anvil.rpcUrl()), end - head + 1);
    }
    var block = generatorCvm().block(height);
    return new TaskManagerWriter(generatorTx(), taskManager())
        .createTask(
            height,
            MANUSCRIPT_HASH,
            CvmBlockComputer.inputCommitmentHash(block.header().input()),
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
