package io.cvmavs.cvm.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.cvm.block.CvmBlock;
import io.cvmavs.cvm.engine.FlinkRuntime;
import io.cvmavs.cvm.engine.ManuscriptRunner;
import io.cvmavs.cvm.engine.RunOptions;
import io.cvmavs.cvm.ingest.SegmentStore;
import io.cvmavs.cvm.ingest.TokenActivity;
import io.cvmavs.cvm.manuscript.ManuscriptParser;
import io.cvmavs.cvm.proof.CanonicalDataset;
import io.cvmavs.cvm.proof.Keccak;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CVM's task computation against real chain data (anvil with the project's $C token): a node
 * signs only its own result — foreign manuscripts and input commitments are refused — and a
 * manuscript with transforms (ERC-20 decode + aggregation) runs on the warm embedded Flink with the
 * same result on two independent CVMs.
 */
@WithAnvil
class CvmTaskComputerIT {
  static final byte[] IDENTITY =
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
          .getBytes(StandardCharsets.UTF_8);

  private static TokenActivity.Result activity;

  @TempDir Path dir;

  @BeforeAll
  static void makeActivity(AnvilNode anvil) throws Exception {
    activity = TokenActivity.run(anvil, 6);
  }

  static byte[] resource(String name) throws IOException {
    try (InputStream in = CvmTaskComputerIT.class.getResourceAsStream("/manuscripts/" + name)) {
      return in.readAllBytes();
    }
  }

  private CvmTaskComputer computer(
      AnvilNode anvil, String data, BlockSchedule schedule, AttestedManuscript... manuscripts) {
    return new CvmTaskComputer(
        new CvmTaskComputer.Settings("eth", schedule),
        List.of(manuscripts),
        anvil.web3j(),
        dir.resolve(data));
  }

  @Test
  void refusesTasksThatDifferFromItsOwnBlock(AnvilNode anvil) {
    AttestedManuscript identity = AttestedManuscript.load("eth", "identity.yaml", IDENTITY);
    assertThat(identity.passThrough()).isTrue();
    byte[] manuscript = identity.hash();
    BlockSchedule schedule = new BlockSchedule(1, 5);
    CvmTaskComputer node = computer(anvil, "node", schedule, identity);
    CvmTaskComputer other = computer(anvil, "other", schedule, identity);
    CvmBlock block = other.block(manuscript, 1);
    byte[] input = CvmTaskComputer.inputCommitmentHash(block.header().input());
    TaskResult result = node.compute(new TaskInput(0, 1, manuscript, input));
    assertThat(result.cvmBlockHash()).isEqualTo(block.header().hash());
    assertThat(result.stateRoot()).isEqualTo(block.header().stateRoot());
    assertThat(result.datasetRoot()).isEqualTo(block.header().dataset("token_transfers").root());
    assertThat(block.header().input().fromBlock()).isEqualTo(6);
    assertThat(CvmTaskComputer.inputCommitmentHash(node.input(1))).isEqualTo(input);

    TaskInput wrongInput = new TaskInput(1, 1, manuscript, Keccak.hash(input));
    assertThatThrownBy(() -> node.compute(wrongInput))
        .isInstanceOf(TaskRefusedException.class)
        .hasMessageContaining("input commitment")
        .extracting(e -> ((TaskRefusedException) e).reason())
        .isEqualTo(TaskRefusedException.Reason.INPUT_MISMATCH);
    TaskInput wrongManuscript =
        new TaskInput(2, 1, Keccak.hash("other".getBytes(StandardCharsets.UTF_8)), input);
    assertThatThrownBy(() -> node.compute(wrongManuscript))
        .isInstanceOf(TaskRefusedException.class)
        .hasMessageContaining("manuscript")
        .extracting(e -> ((TaskRefusedException) e).reason())
        .isEqualTo(TaskRefusedException.Reason.UNKNOWN_MANUSCRIPT);
  }

  @Test
  void aManuscriptWithTransformsRunsOnFlinkWithTheSameResultOnTwoCvms(AnvilNode anvil)
      throws IOException {
    AttestedManuscript volume =
        AttestedManuscript.load("eth", "erc20_volume.yaml", resource("erc20_volume.yaml"));
    assertThat(volume.refusal()).isEmpty();
    assertThat(volume.passThrough()).isFalse();
    long from = activity.firstBlock();
    BlockSchedule schedule = new BlockSchedule(from, activity.lastBlock() - from + 1);
    CvmTaskComputer node = computer(anvil, "node", schedule, volume);
    CvmTaskComputer other = computer(anvil, "other", schedule, volume);
    CvmBlock block = other.block(volume.hash(), 0);
    TaskResult result =
        node.compute(
            new TaskInput(
                7, 0, volume.hash(), CvmTaskComputer.inputCommitmentHash(block.header().input())));
    assertThat(result.taskIndex()).isEqualTo(7);
    assertThat(result.cvmBlockHash()).isEqualTo(block.header().hash());
    assertThat(result.datasetRoot()).isEqualTo(block.header().dataset("erc20_volume").root());
    // Only the dataset sink is attested (the print sink is the data team's, not the task's).
    assertThat(block.datasets().keySet()).containsExactly("erc20_volume");

    // The dataset is the receipts' Transfers, aggregated per sender.
    Map<String, long[]> counts = new TreeMap<>();
    Map<String, BigInteger> sums = new TreeMap<>();
    for (TokenActivity.Transfer t : activity.transfers()) {
      counts.computeIfAbsent(t.from(), k -> new long[1])[0]++;
      sums.merge(t.from(), t.value(), BigInteger::add);
    }
    CanonicalDataset ds = block.datasets().get("erc20_volume");
    assertThat(ds.columns())
        .containsExactly("token_address", "from_address", "transfers", "total_amount");
    assertThat(ds.size()).isEqualTo(counts.size());
    for (int i = 0; i < ds.size(); i++) {
      Object[] row = ds.row(i);
      assertThat(row[0]).isEqualTo(activity.token());
      String sender = (String) row[1];
      assertThat(counts).containsKey(sender);
      assertThat(((Number) row[2]).longValue()).as(sender).isEqualTo(counts.get(sender)[0]);
      assertThat(new BigDecimal(row[3].toString()).toBigIntegerExact())
          .as(sender)
          .isEqualTo(sums.get(sender));
    }
  }

  @Test
  void aPassThroughManuscriptGivesWhatFlinkGives(AnvilNode anvil) {
    AttestedManuscript identity = AttestedManuscript.load("eth", "identity.yaml", IDENTITY);
    long from = activity.firstBlock();
    long to = activity.lastBlock();
    CvmTaskComputer node =
        computer(anvil, "node", new BlockSchedule(from, to - from + 1), identity);
    CvmBlock block = node.block(identity.hash(), 0);
    SegmentStore store = new SegmentStore(dir.resolve("node"));
    var flink =
        new ManuscriptRunner(FlinkRuntime.embedded(), store)
            .run(
                new ManuscriptParser().parse("identity.yaml", IDENTITY),
                RunOptions.range(from, to)
                    .printingTo(new PrintStream(OutputStream.nullOutputStream())));
    CanonicalDataset viaFlink = flink.datasets().get("token_transfers");
    assertThat(viaFlink.size()).isEqualTo(activity.transfers().size()).isPositive();
    assertThat(block.header().dataset("token_transfers").root()).isEqualTo(viaFlink.root());
    assertThat(block.header().dataset("token_transfers").schemaHash())
        .isEqualTo(viaFlink.schemaHash());
  }

  @Test
  void aConfiguredManuscriptThatCannotBeAttestedIsRefusedWithTheReason(AnvilNode anvil) {
    AttestedManuscript otherChain =
        AttestedManuscript.load(
            "eth",
            "polygon.yaml",
            new String(IDENTITY, StandardCharsets.UTF_8)
                .replace("eth.token_transfers", "polygon.token_transfers")
                .getBytes(StandardCharsets.UTF_8));
    AttestedManuscript nonDeterministic =
        AttestedManuscript.load(
            "eth",
            "now.yaml",
            """
            name: now
            specVersion: v1.0.0
            sources:
              - {name: transfers, type: dataset, dataset: eth.token_transfers}
            transforms:
              - {name: stamped, sql: "SELECT block_number, NOW() AS seen FROM transfers"}
            sinks:
              - {name: out, type: dataset, from: stamped}
            """
                .getBytes(StandardCharsets.UTF_8));
    AttestedManuscript noDataset =
        AttestedManuscript.load(
            "eth",
            "print.yaml",
            """
            name: printed
            specVersion: v1.0.0
            sources:
              - {name: transfers, type: dataset, dataset: eth.token_transfers}
            sinks:
              - {name: shown, type: print, from: transfers}
            """
                .getBytes(StandardCharsets.UTF_8));
    assertThat(otherChain.refusal()).get().asString().contains("polygon.token_transfers");
    assertThat(nonDeterministic.refusal()).get().asString().containsIgnoringCase("NOW");
    assertThat(noDataset.refusal()).get().asString().contains("no dataset sink");

    CvmTaskComputer node =
        computer(anvil, "node", new BlockSchedule(1, 5), otherChain, nonDeterministic, noDataset);
    byte[] input = CvmTaskComputer.inputCommitmentHash(node.input(0));
    for (AttestedManuscript m : List.of(otherChain, nonDeterministic, noDataset)) {
      assertThatThrownBy(() -> node.compute(new TaskInput(3, 0, m.hash(), input)))
          .isInstanceOf(TaskRefusedException.class)
          .hasMessageContaining(m.file())
          .hasMessageContaining(m.refusal().orElseThrow())
          .extracting(e -> ((TaskRefusedException) e).reason())
          .isEqualTo(TaskRefusedException.Reason.UNRUNNABLE_MANUSCRIPT);
    }
    // Nothing is prebuilt for them: no Flink job, no block.
    assertThat(node.prebuild(100)).isEqualTo(19);
  }
}
