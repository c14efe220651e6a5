package io.cvmavs.operator.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cvmavs.chain.abi.Abi;
import io.cvmavs.chain.abi.Bytes32;
import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.chain.avs.RegistryReader;
import io.cvmavs.chain.avs.TaskManagerAbi;
import io.cvmavs.chain.avs.TaskManagerReader;
import io.cvmavs.chain.avs.TaskManagerWriter;
import io.cvmavs.chain.avs.TaskResponse;
import io.cvmavs.chain.rpc.ChainAccess;
import io.cvmavs.chain.rpc.Transactor;
import io.cvmavs.contracts.Deployments;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.crypto.bn254.G1Point;
import io.cvmavs.crypto.bn254.G2Point;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.operator.aggregator.AggregatorCommand;
import io.cvmavs.operator.cli.CvmAvsCommand;
import io.cvmavs.operator.devnet.SeededOperators;
import io.cvmavs.operator.localnet.AvsLocalnet;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.DynamicStruct;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.StaticArray2;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint32;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.crypto.Hash;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * A real chain for the monitor's tests: the forge deploy on anvil (aggregator role on account 9),
 * the aggregator in-process, three operators registered through {@code cvm-avs operator register}.
 * Responses are signed here with the operators' BLS keys and sent to the aggregator's JSON-RPC, so
 * a test chooses exactly who signs (no operator nodes, no CVM re-computation needed: the monitor
 * only reads what the chain records).
 */
final class MonitorFixture implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(90);
  private static final String TASK = "(uint64,bytes32,bytes32,bytes,uint32,uint32)";
  private static final String RESPONSE = "(uint32,bytes32,bytes32,bytes32)";
  static final String SLASH_EQUIVOCATION =
      "slashEquivocation("
          + TASK
          + ","
          + RESPONSE
          + ","
          + RESPONSE
          + ",((uint256,uint256),(uint256[2],uint256[2]),(uint256,uint256),(uint256,uint256),uint32[]))";

  final AnvilNode anvil;
  final Path deploymentFile;
  final Deployments deployments;
  final List<BlsKeyPair> keys = new ArrayList<>();
  final List<String> addresses = new ArrayList<>();
  final AggregatorCommand.Running aggregator;
  final TaskManagerWriter generator;
  final TaskManagerReader reader;
  final RegistryReader registry;
  private final HttpClient http = HttpClient.newHttpClient();

  MonitorFixture(AnvilNode anvil, Path dir) throws Exception {
    this.anvil = anvil;
    deploymentFile = AvsLocalnet.deployFile(anvil, "monitor");
    deployments = Deployments.read(deploymentFile);
    SeededOperators seeded =
        new SeededOperators(
            anvil, deploymentFile, dir, AvsLocalnet.PASSWORDS, CvmAvsCommand::commandLine);
    aggregator =
        seeded.startAggregator(
            SeededOperators.Operator.of(
                "aggregator", 9, BlsKeyPair.fromSecret(BigInteger.valueOf(999))),
            0,
            Duration.ofMillis(300));
    for (int i = 1; i <= 3; i++) {
      BlsKeyPair bls = BlsKeyPair.fromSecret(BigInteger.valueOf(1000 + i).pow(3));
      keys.add(bls);
      addresses.add(anvil.account(i).address().toLowerCase(java.util.Locale.ROOT));
      seeded.writeAndRegister(
          SeededOperators.Operator.of("op" + i, i, bls).aggregatorPort(aggregator.port()),
          Hash.sha3(("consensus-" + i).getBytes()));
    }
    Transactor tx =
        ChainAccess.open(
            URI.create(anvil.rpcUrl()),
            anvil.account(0).credentials().getEcKeyPair(),
            Optional.of(anvil.chainId()));
    generator = new TaskManagerWriter(tx, deployments.address("CvmTaskManager"));
    reader = new TaskManagerReader(tx, deployments.address("CvmTaskManager"));
    registry = new RegistryReader(tx, deployments.address("CvmRegistry"));
    AvsLocalnet.registerHash(tx, deployments, MANUSCRIPT_HASH);
  }

  /** What the fixture's tasks name (registered: createTask refuses a manuscript that is not). */
  static final byte[] MANUSCRIPT_HASH = Hash.sha3("manuscript".getBytes());

  long deploymentBlock() {
    return Long.parseLong(deployments.values().get("deploymentBlock"));
  }

  String operatorId(int i) {
    return Bytes32.hex(keys.get(i).operatorId());
  }

  /** A task with a 50 % threshold (two of three equal operators suffice). */
  CvmTask createTask(long height) {
    return generator.createTask(
        height, MANUSCRIPT_HASH, Hash.sha3(("input-" + height).getBytes()), new byte[] {0}, 50);
  }

  static TaskResponse response(CvmTask task, String variant) {
    return new TaskResponse(
        task.taskIndex(),
        Hash.sha3(("block-" + task.taskIndex() + variant).getBytes()),
        Hash.sha3(("dataset-" + task.taskIndex()).getBytes()),
        Hash.sha3(("state-" + task.taskIndex()).getBytes()));
  }

  G1Point sign(int operator, TaskResponse r) {
    return keys.get(operator)
        .sign(
            TaskManagerAbi.responseDigest(
                anvil.chainId(), deployments.address("CvmTaskManager"), r));
  }

  /** The operators {@code signers} (0-based) sign the task's response; waits for TaskResponded. */
  TaskResponse respond(CvmTask task, int... signers) throws Exception {
    TaskResponse r = response(task, "");
    for (int i : signers) {
      String body =
          "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"aggregator_submitSignature\",\"params\":{"
              + "\"taskIndex\":"
              + task.taskIndex()
              + ",\"response\":{\"referenceTaskIndex\":"
              + r.referenceTaskIndex()
              + ",\"cvmBlockHash\":\""
              + Bytes32.hex(r.cvmBlockHash())
              + "\",\"datasetRoot\":\""
              + Bytes32.hex(r.datasetRoot())
              + "\",\"stateRoot\":\""
              + Bytes32.hex(r.stateRoot())
              + "\"},\"operatorId\":\""
              + operatorId(i)
              + "\",\"signature\":\"0x"
              + HexFormat.of().formatHex(sign(i, r).toBytes())
              + "\"}}";
      String answer =
          http.send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + aggregator.port() + "/"))
                      .header("content-type", "application/json")
                      .POST(HttpRequest.BodyPublishers.ofString(body))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      assertThat(answer).contains("\"accepted\":true");
    }
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> reader.isResponded(task.taskIndex()));
    return r;
  }

  /**
   * Operator {@code i} signs a second, different response to {@code task}; anyone (account 5)
   * proves the equivocation on chain. Returns the receipt of {@code slashEquivocation}.
   */
  TransactionReceipt slashEquivocation(CvmTask task, int i) {
    TaskResponse a = response(task, "");
    TaskResponse b = response(task, "-forged");
    BlsKeyPair k = keys.get(i);
    long stakeIndex = registry.stakeIndexAtBlock(k.operatorId(), 0, task.taskCreatedBlock());
    List<Type> proof =
        List.of(
            g1(k.publicKeyG1()),
            g2(k.publicKeyG2()),
            g1(sign(i, a)),
            g1(sign(i, b)),
            new DynamicArray<>(Uint32.class, List.of(new Uint32(stakeIndex))));
    Transactor reporter =
        ChainAccess.open(
            URI.create(anvil.rpcUrl()),
            anvil.account(5).credentials().getEcKeyPair(),
            Optional.of(anvil.chainId()));
    return reporter.send(
        deployments.address("CvmTaskManager"),
        Abi.call(
            SLASH_EQUIVOCATION,
            List.of(task(task), response(a), response(b), new DynamicStruct(proof))),
        "slashEquivocation");
  }

  private static TaskManagerAbi.TaskStruct task(CvmTask t) {
    return new TaskManagerAbi.TaskStruct(
        new Uint64(t.cvmBlockHeight()),
        new org.web3j.abi.datatypes.generated.Bytes32(t.manuscriptHash()),
        new org.web3j.abi.datatypes.generated.Bytes32(t.inputCommitment()),
        new DynamicBytes(t.quorumNumbers()),
        new Uint32(t.quorumThresholdPercentage()),
        new Uint32(t.taskCreatedBlock()));
  }

  private static TaskManagerAbi.ResponseStruct response(TaskResponse r) {
    return new TaskManagerAbi.ResponseStruct(
        new Uint32(r.referenceTaskIndex()),
        new org.web3j.abi.datatypes.generated.Bytes32(r.cvmBlockHash()),
        new org.web3j.abi.datatypes.generated.Bytes32(r.datasetRoot()),
        new org.web3j.abi.datatypes.generated.Bytes32(r.stateRoot()));
  }

  private static TaskManagerAbi.G1 g1(G1Point p) {
    return new TaskManagerAbi.G1(new Uint256(p.x()), new Uint256(p.y()));
  }

  private static TaskManagerAbi.G2 g2(G2Point p) {
    BigInteger[] x = p.evmX();
    BigInteger[] y = p.evmY();
    return new TaskManagerAbi.G2(
        new StaticArray2<>(Uint256.class, new Uint256(x[0]), new Uint256(x[1])),
        new StaticArray2<>(Uint256.class, new Uint256(y[0]), new Uint256(y[1])));
  }

  /** A monitor.yaml for this chain. */
  Path monitorYaml(Path dir, List<String> webhooks) throws Exception {
    Files.createDirectories(dir);
    Path file = dir.resolve("monitor.yaml");
    StringBuilder y = new StringBuilder();
    y.append("eth_rpc_url: ").append(anvil.rpcUrl()).append('\n');
    y.append("chain_id: ").append(anvil.chainId()).append('\n');
    y.append("deployment_file: ").append(deploymentFile.toAbsolutePath()).append('\n');
    y.append("dashboard_address: 127.0.0.1:0\n");
    y.append("poll_interval_ms: 200\n");
    y.append("webhook_initial_backoff_ms: 50\n");
    y.append("webhook_max_backoff_ms: 200\n");
    y.append("data_dir: data\n");
    if (!webhooks.isEmpty()) {
      y.append("webhooks:\n");
      webhooks.forEach(w -> y.append("  - ").append(w).append('\n'));
    }
    Files.writeString(file, y.toString());
    return file;
  }

  @Override
  public void close() {
    aggregator.close();
  }
}
