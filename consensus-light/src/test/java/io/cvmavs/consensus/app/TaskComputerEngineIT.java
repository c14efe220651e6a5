package io.cvmavs.consensus.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cvmavs.consensus.app.engine.TaskComputerEngine;
import io.cvmavs.consensus.proto.abci.RequestQuery;
import io.cvmavs.cvm.proof.Keccak;
import io.cvmavs.cvm.task.AttestedManuscript;
import io.cvmavs.cvm.task.BlockSchedule;
import io.cvmavs.cvm.task.CvmTaskComputer;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CVM chain over the real Engine API: two independent CVMs (each its own ingestion of a real
 * anvil chain, the manuscript running as a Flink job on the JVM's one warm embedded runtime) serve
 * four validators; the proposer's CVM blocks pass every other validator's re-execution and are
 * finalised with the same app hash.
 */
@WithAnvil
public class TaskComputerEngineIT {
  public static final byte[] MANUSCRIPT =
      """
      name: block_hashes
      specVersion: v1.0.0
      sources:
        - name: blocks
          type: dataset
          dataset: eth.blocks
      transforms:
        - name: picked
          sql: SELECT block_number, block_hash, parent_hash FROM blocks
      sinks:
        - name: block_hashes
          type: dataset
          from: picked
          primary_key: [block_number]
      """
          .getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;

  @Test
  void cvmBlocksFromTheTaskComputerAreFinalisedByFourValidators(AnvilNode anvil) throws Exception {
    anvil.mine(40);
    BlockSchedule schedule = new BlockSchedule(1, 5);
    AttestedManuscript m = AttestedManuscript.load("eth", "block_hashes.yaml", MANUSCRIPT);
    assertThat(m.refusal()).isEmpty();
    assertThat(m.passThrough()).isFalse();
    TaskComputerEngine cvmA =
        new TaskComputerEngine(
            new CvmTaskComputer(
                new CvmTaskComputer.Settings("eth", schedule),
                List.of(m),
                anvil.web3j(),
                dir.resolve("cvm-a")));
    TaskComputerEngine cvmB =
        new TaskComputerEngine(
            new CvmTaskComputer(
                new CvmTaskComputer.Settings("eth", schedule),
                List.of(m),
                anvil.web3j(),
                dir.resolve("cvm-b")));
    try (TestChain chain =
        new TestChain(
            dir.resolve("chain"),
            4,
            10,
            cvmA,
            1,
            5,
            Optional.empty(),
            1000,
            Keccak.hash(MANUSCRIPT))) {
      chain.setEngine(2, cvmB);
      chain.setEngine(3, cvmB);
      for (int i = 0; i < 5; i++) {
        chain.ethFinal.set(Math.min(anvil.blockNumber(), 5 + 5L * i));
        chain.step();
      }
      CvmChainApp app = chain.nodes.get(3).app;
      // A proposer proposes only a CVM block its engine has already built (CvmEngine.ready); the
      // build runs in the background, so the blocks land within the next heights, not at fixed
      // ones.
      await()
          .atMost(Duration.ofMinutes(2))
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                if (app.state().cvmBlocks.count() < 3) {
                  chain.step();
                }
                return app.state().cvmBlocks.count() >= 3;
              });
      JsonNode block =
          new ObjectMapper()
              .readTree(
                  app.query(RequestQuery.newBuilder().setPath("/cvm/block/1").build())
                      .getValue()
                      .toByteArray());
      assertThat(block.get("from_block").asLong()).isEqualTo(6);
      assertThat(block.get("to_block").asLong()).isEqualTo(10);
      assertThat(block.get("datasets").get(0).get("record_count").asLong()).isEqualTo(5);
      assertThat(block.get("hash").asText())
          .isEqualTo(
              "0x"
                  + HexFormat.of().formatHex(cvmB.block(Keccak.hash(MANUSCRIPT), 1, 6, 10).hash()));
    }
  }
}
