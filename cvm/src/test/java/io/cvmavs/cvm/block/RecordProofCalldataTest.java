package io.cvmavs.cvm.block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The calldata of {@code verifyAttestedRecord} equals what Foundry's {@code cast calldata} (an
 * independent ABI encoder, from npm) produces for the same arguments, for a record of a two-dataset
 * block (dataset proof with a sibling) and of a one-dataset block (empty dataset proof).
 */
class RecordProofCalldataTest {
  static final Path CAST = Path.of("../node_modules/.bin/cast");
  static final String SIGNATURE =
      "verifyAttestedRecord(address,(uint32,bytes32,bytes32,bytes32),(uint32,bytes32,uint96[],uint96[]),"
          + "(string,uint64,uint256,uint256,bytes32[]),(uint256,uint256,bytes32[]),bytes)";
  static final String TASK_MANAGER = "0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0";
  static final HexFormat HEX = HexFormat.of();

  static String hex(byte[] b) {
    return "0x" + HEX.formatHex(b);
  }

  static String list(List<byte[]> hashes) {
    return hashes.stream()
        .map(RecordProofCalldataTest::hex)
        .collect(Collectors.joining(",", "[", "]"));
  }

  static String cast(List<String> args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(CAST.toString(), "calldata", SIGNATURE));
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  static void checkAgainstCast(RecordProof proof, long taskIndex) throws Exception {
    byte[] blockHash = proof.header().hash();
    RecordProofCalldata.Response response =
        new RecordProofCalldata.Response(
            taskIndex, blockHash, proof.responseDatasetRoot(), proof.header().stateRoot());
    RecordProofCalldata.Metadata meta =
        new RecordProofCalldata.Metadata(
            1234,
            new byte[32],
            List.of(BigInteger.valueOf(600).multiply(BigInteger.TEN.pow(18))),
            List.of(BigInteger.valueOf(700).multiply(BigInteger.TEN.pow(18))));
    String ours = RecordProofCalldata.encode(TASK_MANAGER, response, meta, proof);
    var dp = proof.datasetProof();
    String expected =
        cast(
            List.of(
                TASK_MANAGER,
                "("
                    + taskIndex
                    + ","
                    + hex(blockHash)
                    + ","
                    + hex(proof.responseDatasetRoot())
                    + ","
                    + hex(proof.header().stateRoot())
                    + ")",
                "(1234,"
                    + hex(new byte[32])
                    + ",["
                    + meta.signedStakeForQuorum().get(0)
                    + "],["
                    + meta.totalStakeForQuorum().get(0)
                    + "])",
                "("
                    + dp.name()
                    + ","
                    + dp.recordCount()
                    + ","
                    + (dp.isSingle() ? 0 : dp.path().leafIndex())
                    + ","
                    + (dp.isSingle() ? 0 : dp.path().leafCount())
                    + ","
                    + (dp.isSingle() ? "[]" : list(dp.path().siblings()))
                    + ")",
                "("
                    + proof.proof().leafIndex()
                    + ","
                    + proof.proof().leafCount()
                    + ","
                    + list(proof.proof().siblings())
                    + ")",
                hex(proof.record())));
    assertThat(ours).isEqualTo(expected).startsWith(RecordProofCalldata.SELECTOR);
  }

  @Test
  void matchesCastForATwoDatasetBlock() throws Exception {
    assertThat(Files.isExecutable(CAST)).as("npm's cast at " + CAST).isTrue();
    CvmBlock block = AttestedRecordsFixtureTest.exampleBlock();
    checkAgainstCast(block.prove("transfer_totals", 1), 3);
    checkAgainstCast(block.prove("token_counts", 2), 70_000);
  }

  @Test
  void matchesCastForAOneDatasetBlock() throws Exception {
    CvmBlock two = AttestedRecordsFixtureTest.exampleBlock();
    CvmBlock one =
        new CvmBlockBuilder()
            .build(
                java.util.Optional.empty(),
                two.header().manuscriptHash(),
                io.cvmavs.cvm.ingest.SourceCommitment.of(
                    "eth",
                    1,
                    2,
                    java.util.Map.of(io.cvmavs.cvm.ingest.ChainTable.BLOCKS, List.of())),
                java.util.Map.of("transfer_totals", two.datasets().get("transfer_totals")),
                1L);
    checkAgainstCast(one.prove("transfer_totals", 4), 0);
  }

  @Test
  void refusesAResponseOfAnotherBlock() {
    RecordProof proof = AttestedRecordsFixtureTest.exampleBlock().prove("transfer_totals", 1);
    var response = new RecordProofCalldata.Response(3, new byte[32], new byte[32], new byte[32]);
    var meta = new RecordProofCalldata.Metadata(1, new byte[32], List.of(), List.of());
    assertThatThrownBy(() -> RecordProofCalldata.encode(TASK_MANAGER, response, meta, proof))
        .isInstanceOf(BlockException.class)
        .hasMessageContaining("task 3 attests datasetRoot 0x" + "00".repeat(32));
  }
}
