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
import io.cvmavs.cvm.task.BlockSchedule;
import io.cvmavs.cvm.task.CvmTaskComputer;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import io.cvmavs.operator.aggregator.AggregatorCommand;
import io.cvmavs.operator.cli.CvmAvsCommand;
import io.cvmavs.operator.config.OperatorConfigLoader;
import io.cvmavs.operator.devnet.SeededOperators;
import io.cvmavs.operator.localnet.AvsLocalnet;
import io.cvmavs.operator.registration.OperatorRegistration;
import io.cvmavs.operator.registration.RegistrationContracts;
import io.cvmavs.operator.registration.RegistrationStep;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
    Path deploymentFile = AvsLocalnet.deployFile(anvil, "latency");
    SeededOperators seeded =
        new SeededOperators(
            anvil, deploymentFile, dir, AvsLocalnet.PASSWORDS, CvmAvsCommand::commandLine);
    Deployments d = Deployments.read(deploymentFile);
    long deploymentBlock = Long.parseLong(d.values().get("deploymentBlock"));
    byte[] manuscriptHash = AvsLocalnet.MANUSCRIPT_HASH;
    URI rpc = URI.create(anvil.rpcUrl());
    Transactor deployer =
        ChainAccess.open(
            rpc, anvil.account(0).credentials().getEcKeyPair(), Optional.of(anvil.chainId()));

    AggregatorCommand.Running aggregator =
        seeded.startAggregator(
            SeededOperators.Operator.of("aggregator", 9, BlsKeyPair.fromSecret(BigInteger.TEN)),
            0,
            Duration.ofMillis(300));
    List<NodeCommand.Running> nodes = new ArrayList<>();
    try {
      for (int i = 1; i <= 3; i++) {
        BlsKeyPair bls = BlsKeyPair.fromSecret(BigInteger.valueOf(7_000 + i));
        Path cfg =
            seeded.write(
                SeededOperators.Operator.of("lat" + i, i, bls)
                    .aggregatorPort(aggregator.port())
                    .socketPort(9100 + i));
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
                    AvsLocalnet.manuscripts(),
                    Optional.of(deploymentBlock + 1),
                    SPAN,
                    Duration.ofSeconds(2),
                    true)));
      }
      String tm = d.address("CvmTaskManager");
      TaskManagerWriter generator = new TaskManagerWriter(deployer, tm);
      AvsLocalnet.registerHash(deployer, d, manuscriptHash);
      TaskManagerReader reader = new TaskManagerReader(deployer, tm);
      CvmTaskComputer cvm =
          new CvmTaskComputer(
              new CvmTaskComputer.Settings("eth", new BlockSchedule(deploymentBlock + 1, SPAN)),
              AvsLocalnet.manuscripts(),
              anvil.web3j(),
              dir.resolve("generator"));
      List<Long> blocks = new ArrayList<>();
      List<Long> millis = new ArrayList<>();
      for (long h = 0; h < 5; h++) {
        var block = cvm.block(manuscriptHash, h);
        CvmTask task =
            generator.createTask(
                h,
                manuscriptHash,
                CvmTaskComputer.inputCommitmentHash(block.header().input()),
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
}
