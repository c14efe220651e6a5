package io.cvmavs.consensus.light;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cvmavs.consensus.TestData;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Hashes of a real CometBFT v0.38 node's answers (kvstore app, chain {@code dockerchain}, one
 * validator) in ../shared/testdata/cometbft/kvstore-v0.38: the block hash CometBFT printed, the
 * validator-set hash in its headers, and its commit signature at height 10.
 */
class KvstoreHashesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode result(String file) throws Exception {
    return JSON.readTree(TestData.cometbft("kvstore-v0.38", file).toFile()).get("result");
  }

  private static ValidatorSet genesisValidators() throws Exception {
    JsonNode v = result("genesis.json").get("genesis").get("validators").get(0);
    byte[] key = Base64.getDecoder().decode(v.get("pub_key").get("value").asText());
    return new ValidatorSet(
        List.of(
            new Validator(
                HexFormat.of().parseHex(v.get("address").asText()), key, v.get("power").asLong())));
  }

  @Test
  void blockHashesMatchWhatTheNodePrinted() throws Exception {
    for (String file :
        List.of("block_at_height_1.json", "block_at_height_10.json", "block_by_hash.json")) {
      JsonNode result = result(file);
      var header = LightJson.header(result.get("block").get("header"), file);
      assertThat(LightJson.hex(HeaderHash.of(header)))
          .as(file)
          .isEqualTo(result.get("block_id").get("hash").asText());
    }
  }

  @Test
  void validatorSetHashMatchesTheHeaders() throws Exception {
    byte[] hash = genesisValidators().hash();
    var header =
        LightJson.header(result("block_at_height_10.json").get("block").get("header"), "h10");
    assertThat(hash).isEqualTo(header.getValidatorsHash().toByteArray());
    assertThat(hash).isEqualTo(header.getNextValidatorsHash().toByteArray());
  }

  @Test
  void commitAtHeight10VerifiesWithTheGenesisValidator() throws Exception {
    SignedHeader sh =
        LightJson.signedHeader(result("commit_at_height_10.json").get("signed_header"), "commit");
    assertThat(HeaderHash.of(sh.header()))
        .isEqualTo(sh.commit().getBlockId().getHash().toByteArray());
    CommitVerifier verifier = new CommitVerifier(sh.chainId(), sh.commit());
    assertThat(verifier.verifyLight(genesisValidators())).isEqualTo(10);
    CommitVerifier otherChain = new CommitVerifier("otherchain", sh.commit());
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> otherChain.verifyLight(genesisValidators()))
        .hasMessageContaining("does not verify");
  }
}
