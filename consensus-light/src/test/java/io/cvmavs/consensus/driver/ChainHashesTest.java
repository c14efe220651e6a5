package io.cvmavs.consensus.driver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.cvmavs.consensus.TestData;
import io.cvmavs.consensus.light.LightJson;
import io.cvmavs.consensus.proto.types.Commit;
import io.cvmavs.consensus.proto.types.CommitSig;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The header fields the driver computes, against a real CometBFT v0.38 node's headers
 * (../shared/testdata/cometbft/kvstore-v0.38: default consensus params, one validator).
 */
class ChainHashesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String EMPTY =
      "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855";

  private static JsonNode result(String file) throws Exception {
    return JSON.readTree(TestData.cometbft("kvstore-v0.38", file).toFile()).get("result");
  }

  @Test
  void consensusHashOfCometBftsDefaultParams() throws Exception {
    JsonNode header = result("block_at_height_10.json").path("block").path("header");
    assertThat(LightJson.hex(ChainHashes.consensusHash(LocalConsensusDriver.defaultParams())))
        .isEqualTo(header.path("consensus_hash").asText());
  }

  @Test
  void lastCommitHashOfARealBlock() throws Exception {
    JsonNode block = result("block_at_height_10.json").path("block");
    Commit last = LightJson.commit(block.path("last_commit"), "last_commit");
    assertThat(LightJson.hex(ChainHashes.commitHash(last)))
        .isEqualTo(block.path("header").path("last_commit_hash").asText());
    // Block 1 carries the empty commit.
    JsonNode h1 = result("block_at_height_1.json").path("block").path("header");
    assertThat(LightJson.hex(ChainHashes.commitHash(Commit.getDefaultInstance())))
        .isEqualTo(h1.path("last_commit_hash").asText());
  }

  @Test
  void emptyHashesAndTheDataHashOfAOneTransactionBlock() throws Exception {
    JsonNode h10 = result("block_at_height_10.json").path("block").path("header");
    assertThat(LightJson.hex(ChainHashes.dataHash(List.of())))
        .isEqualTo(h10.path("data_hash").asText());
    assertThat(LightJson.hex(ChainHashes.emptyEvidenceHash()))
        .isEqualTo(h10.path("evidence_hash").asText())
        .isEqualTo(EMPTY);
    assertThat(LightJson.hex(ChainHashes.resultsHash(List.of())))
        .isEqualTo(h10.path("last_results_hash").asText());
    // tx_search's proof root is the data hash of the block holding the one transaction.
    JsonNode proof = result("tx_search_with_prove.json").path("txs").get(0).path("proof");
    ByteString tx = ByteString.copyFrom(Base64.getDecoder().decode(proof.path("data").asText()));
    assertThat(proof.path("proof").path("total").asText()).isEqualTo("1");
    assertThat(LightJson.hex(ChainHashes.dataHash(List.of(tx))))
        .isEqualTo(proof.path("root_hash").asText());
  }

  @Test
  void medianTimeIsTheWeightedMedianOfVoteTimes() {
    ProposerPriorities set =
        ProposerPriorities.create(
            List.of(
                new ProposerPriorities.Entry(new byte[] {1}, null, 10, 0),
                new ProposerPriorities.Entry(new byte[] {2}, null, 20, 0),
                new ProposerPriorities.Entry(new byte[] {3}, null, 70, 0)));
    // Canonical order: 70, 20, 10. The 70-power vote dominates whatever the others say.
    Commit c =
        Commit.newBuilder()
            .setHeight(5)
            .addSignatures(sig(300))
            .addSignatures(sig(100))
            .addSignatures(sig(200))
            .build();
    assertThat(ChainHashes.medianTime(c, set).getSeconds()).isEqualTo(300);
  }

  private static CommitSig sig(long seconds) {
    return CommitSig.newBuilder()
        .setBlockIdFlag(io.cvmavs.consensus.proto.types.BlockIDFlag.BLOCK_ID_FLAG_COMMIT)
        .setTimestamp(com.google.protobuf.Timestamp.newBuilder().setSeconds(seconds))
        .build();
  }
}
