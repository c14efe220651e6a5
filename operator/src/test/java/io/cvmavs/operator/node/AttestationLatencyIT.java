package io.cvmavs.operator.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.chain.avs.TaskManagerAbi;
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
import io.cvmavs.localnet.anvil.WithAnvil;
import io.cvmavs.localnet.forge.ForgeDeploy;
import io.cvmavs.localnet.process.RepoLayout;
import io.cvmavs.operator.aggregator.AggregatorCommand;
import io.cvmavs.operator.config.OperatorConfigLoader;
import io.cvmavs.operator.registration.OperatorRegistration;
import io.cvmavs.operator.registration.RegistrationContracts;
import io.cvmavs.operator.registration.RegistrationStep;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Hash;

/**
 * Latency from {@code NewTaskCreated} to {@code TaskResponded} with 3 operators at 1-second anvil
 * blocks (the benchmark setting), with registration through {@link OperatorRegistration}
 * directly. Prints the figures; asserts only that every task is responded by all three operators.
 */
@WithAnvil(blockTimeMillis = 1000)
class AttestationLatencyIT {
  private static final long SPAN = 5;
  @TempDir Path dir;

  @Test
  void fiveTasksAtOneSecondBlocks(AnvilNode anvil) throws Exception {
    Path deploymentFile =
        ForgeDeploy.deploy(
            RepoLayout.locate(),
            anvil.rpcUrl(),
            anvil.account(0).privateKeyHex(),
            Path.of("target", "deployments", "latency-" + UUID.randomUUID() + ".json"),
            Path.of("target", "localnet", "forge-deploy-latency-" + anvil.port() + ".log")
                .toAbsolutePath(),
            java.util.Map.of("AVS_AGGREGATOR", anvil.account(9).address()));
    Deployments d = Deployments.read(deploymentFile);
    long deploymentBlock = Long.parseLong(d.values().get("deploymentBlock"));
    byte[] manuscriptHash = Hash.sha3("name: identity\n".getBytes());
    URI rpc = URI.create(anvil.rpcUrl());
    Transactor deployer =
        ChainAccess.open(
            rpc, anvil.account(0).credentials().getEcKeyPair(), Optional.of(anvil.chainId()));

    AggregatorCommand.Running aggregator =
        AggregatorCommand.start(
            OperatorConfigLoader.load(
                config(
                    anvil,
                    deploymentFile,
                    "aggregator",
                    9,
                    BlsKeyPair.fromSecret(BigInteger.TEN),
                    1)),
            anvil.account(9).credentials().getEcKeyPair(),
            "127.0.0.1",
            0,
            Duration.ofMillis(300));
    List<NodeCommand.Running> nodes = new ArrayList<>();
    try {
      for (int i = 1; i <= 3; i++) {
        BlsKeyPair bls = BlsKeyPair.fromSecret(BigInteger.valueOf(7_000 + i));
        Path cfg = config(anvil, deploymentFile, "lat" + i, i, bls, aggregator.port());
        var c = OperatorConfigLoader.load(cfg);
        Transactor op =
            ChainAccess.open(
                rpc, anvil.account(i).credentials().getEcKeyPair(), Optional.of(anvil.chainId()));
        List<RegistrationStep> steps =
            new OperatorRegistration(
                    RegistrationContracts.from(c),
                    op,
                    Optional.of(deployer),
                    bls,
                    block ->
                        await()
                            .atMost(Duration.ofSeconds(60))
                            .until(
                                () ->
                                    op.web3j()
                                            .ethBlockNumber()
                                            .send()
                                            .getBlockNumber()
                                            .longValueExact()
                                        >= block),
                    line -> {})
                .register(
                    new OperatorRegistration.Request(
                        new BigInteger("100000000000000000000"),
                        new BigInteger("50000000000000000000"),
                        Optional.of(Hash.sha3(("lat-consensus-" + i).getBytes())),
                        BigInteger.TEN.pow(18),
                        "127.0.0.1:900" + i,
                        "https://op.invalid"));
        assertThat(steps).allMatch(s -> s.status() == RegistrationStep.Status.DONE);
        nodes.add(
            NodeCommand.start(
                c,
                bls,
                new NodeCommand.Options(
                    manuscriptHash,
                    Optional.of(deploymentBlock + 1),
                    SPAN,
                    Duration.ofSeconds(2),
                    true)));
      }
      String tm = d.address("CvmTaskManager");
      TaskManagerWriter generator = new TaskManagerWriter(deployer, tm);
      TaskManagerReader reader = new TaskManagerReader(deployer, tm);
      CvmBlockComputer cvm =
          new CvmBlockComputer(
              new CvmBlockComputer.Settings("eth", deploymentBlock + 1, SPAN, manuscriptHash),
              anvil.web3j(),
              dir.resolve("generator"));
      List<Long> blocks = new ArrayList<>();
      List<Long> millis = new ArrayList<>();
      for (long h = 0; h < 5; h++) {
        var block = cvm.block(h);
        CvmTask task =
            generator.createTask(
                h,
                manuscriptHash,
                CvmBlockComputer.inputCommitmentHash(block.header().input()),
                new byte[] {0},
                67);
        long start = System.nanoTime();
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(50))
            .until(() -> reader.isResponded(task.taskIndex()));
        millis.add((System.nanoTime() - start) / 1_000_000);
        TaskManagerAbi.TaskResponded r =
            reader.responses(task.taskCreatedBlock(), reader.blockNumber()).get(0);
        assertThat(r.hashOfNonSigners()).isEqualTo(TaskManagerAbi.hashOfNonSigners(List.of()));
        blocks.add(r.blockNumber() - task.taskCreatedBlock());
      }
      List<Long> sorted = millis.stream().sorted().toList();
      System.out.println(
          "[latency] 3 operators, 1 s blocks: created→responded blocks "
              + blocks
              + ", ms after createTask receipt "
              + millis
              + ", median "
              + sorted.get(sorted.size() / 2)
              + " ms");
    } finally {
      for (NodeCommand.Running n : nodes) {
        n.close();
      }
      aggregator.close();
    }
  }

  private Path config(
      AnvilNode anvil,
      Path deploymentFile,
      String name,
      int account,
      BlsKeyPair bls,
      int aggregatorPort)
      throws Exception {
    Path opDir = Files.createDirectories(dir.resolve(name));
    EcdsaKeystore.write(
        opDir.resolve("ecdsa.json"),
        anvil.account(account).credentials().getEcKeyPair(),
        "x".toCharArray(),
        ScryptParams.LIGHT,
        new SecureRandom());
    BlsKeystore.write(
        opDir.resolve("bls.json"), bls, "x".toCharArray(), ScryptParams.LIGHT, new SecureRandom());
    Path config = opDir.resolve("operator.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "node_name: " + name,
            "eth_rpc_url: " + anvil.rpcUrl(),
            "eth_ws_url: " + anvil.wsUrl(),
            "chain_id: " + anvil.chainId(),
            "deployment_file: " + deploymentFile.toAbsolutePath(),
            "ecdsa_private_key_store_path: ecdsa.json",
            "bls_private_key_store_path: bls.json",
            "aggregator_url: http://127.0.0.1:" + aggregatorPort + "/",
            "operator_socket: 127.0.0.1:" + (9100 + account),
            "enable_node_api: false",
            "enable_metrics: false",
            "data_dir: data",
            ""));
    return config;
  }
}
