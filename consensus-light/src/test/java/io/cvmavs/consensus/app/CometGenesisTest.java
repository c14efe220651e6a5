package io.cvmavs.consensus.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.cvmavs.consensus.app.model.BlsValidator;
import io.cvmavs.consensus.app.model.BlsValidatorSet;
import io.cvmavs.consensus.proto.abci.RequestInitChain;
import io.cvmavs.consensus.proto.abci.ValidatorUpdate;
import io.cvmavs.consensus.proto.crypto.PublicKey;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CometBFT genesis document: shape, canonical validator order, and the app accepts it. */
class CometGenesisTest {
  @TempDir Path dir;

  @Test
  void genesisCarriesTheSetVoteExtensionsFromHeightOneAndTheAppAcceptsIt() throws Exception {
    List<BlsValidator> vs = new ArrayList<>();
    long[] powers = {5, 30, 10};
    for (int i = 0; i < 3; i++) {
      TestChain.Node n = new TestChain.Node(i);
      vs.add(new BlsValidator(n.key(), n.bls.publicKeyG1(), n.bls.publicKeyG2(), powers[i]));
    }
    GenesisState app =
        new GenesisState(
            "eth", 1, 5, 0, 100, 0, 0, List.of(TestChain.MANUSCRIPT), BlsValidatorSet.of(vs));
    String text =
        CometGenesis.text(
            CometGenesis.json(
                "cvm-devnet-1",
                Instant.parse("2026-12-05T12:00:00Z"),
                app,
                Map.of(vs.get(1).consensusKey().hex(), "op-b")));
    JsonNode g = new ObjectMapper().readTree(text);
    assertThat(g.get("chain_id").asText()).isEqualTo("cvm-devnet-1");
    assertThat(g.get("genesis_time").asText()).isEqualTo("2026-12-05T12:00:00Z");
    assertThat(g.at("/consensus_params/abci/vote_extensions_enable_height").asText())
        .isEqualTo("1");
    assertThat(g.get("validators")).hasSize(3);
    JsonNode first = g.get("validators").get(0);
    assertThat(first.get("power").asText()).isEqualTo("30"); // CometBFT order: power descending
    assertThat(first.get("name").asText()).isEqualTo("op-b");
    assertThat(first.at("/pub_key/type").asText()).isEqualTo("tendermint/PubKeyEd25519");
    assertThat(first.get("address").asText()).isEqualTo(vs.get(1).consensusKey().addressHex());

    // What CometBFT would send in InitChain from this file.
    RequestInitChain.Builder init =
        RequestInitChain.newBuilder()
            .setChainId(g.get("chain_id").asText())
            .setInitialHeight(1)
            .setAppStateBytes(ByteString.copyFromUtf8(g.get("app_state").toString()));
    for (JsonNode v : g.get("validators")) {
      init.addValidators(
          ValidatorUpdate.newBuilder()
              .setPubKey(
                  PublicKey.newBuilder()
                      .setEd25519(
                          ByteString.copyFrom(
                              Base64.getDecoder().decode(v.at("/pub_key/value").asText()))))
              .setPower(Long.parseLong(v.get("power").asText())));
    }
    try (CvmChainApp a =
        CvmChainApp.open(
            dir,
            new CvmChainApp.Settings(
                Optional.empty(), () -> 0L, Optional.empty(), Optional.empty(), 1))) {
      assertThat(a.initChain(init.build()).getAppHash().size()).isEqualTo(32);
      assertThat(a.state().currentSet).isEqualTo(app.validators());
      // A genesis whose CometBFT validators differ from the BLS set is refused.
      init.setValidators(0, init.getValidators(0).toBuilder().setPower(31));
      assertThatThrownBy(() -> a.initChain(init.build()))
          .hasMessageContaining("genesis validators differ");
    }
    assertThatThrownBy(() -> CometGenesis.json("", Instant.EPOCH, app, Map.of()))
        .hasMessageContaining("chain id");
  }
}
