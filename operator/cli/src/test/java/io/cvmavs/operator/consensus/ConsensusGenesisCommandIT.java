package io.cvmavs.operator.consensus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cvmavs.consensus.app.GenesisState;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.cvm.proof.Keccak;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import io.cvmavs.operator.stake.TwoStakedOperators;
import io.cvmavs.stake.devnet.DevnetStakeDriver;
import io.cvmavs.stake.validator.ConsensusKey;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import picocli.CommandLine;

/** {@code consensus genesis} in-process against live devnet contracts on a real anvil. */
@WithAnvil
class ConsensusGenesisCommandIT {
  @Test
  void writesTheCometGenesisWithTheAggregatorsSetAndRegisteredBlsKeys(
      AnvilNode anvil, @TempDir Path dir) throws Exception {
    TwoStakedOperators seeded = TwoStakedOperators.seed(anvil, dir);
    Credentials a = seeded.a();
    long block = seeded.block();
    Path config = seeded.stakeConfig();
    Path manuscript = dir.resolve("m.yaml");
    Files.writeString(manuscript, "name: m\n");
    Path out = dir.resolve("genesis.json");

    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new ConsensusCommand());
    cli.setErr(new PrintWriter(err, true));
    int exit =
        cli.execute(
            "genesis",
            "--stake-config",
            config.toString(),
            "--chain-id",
            "cvm-devnet-1",
            "--manuscript",
            manuscript.toString(),
            "--cvm-genesis-block",
            "1",
            "--blocks-per-cvm-block",
            "5",
            "--block",
            "" + block,
            "--genesis-time",
            "2026-12-05T12:00:00Z",
            "--out",
            out.toString());
    assertThat(exit).as(err.toString()).isZero();

    JsonNode g = new ObjectMapper().readTree(Files.readAllBytes(out));
    ConsensusKey ka = ConsensusKey.of(DevnetStakeDriver.consensusKey(11));
    assertThat(g.get("chain_id").asText()).isEqualTo("cvm-devnet-1");
    assertThat(g.at("/consensus_params/abci/vote_extensions_enable_height").asText())
        .isEqualTo("1");
    assertThat(g.get("validators")).hasSize(2);
    assertThat(g.at("/validators/0/address").asText()).isEqualTo(ka.addressHex());
    assertThat(g.at("/validators/0/power").asText()).isEqualTo("120");
    assertThat(g.at("/validators/0/name").asText()).isEqualToIgnoringCase(a.getAddress());
    GenesisState app =
        GenesisState.parse(g.get("app_state").toString().getBytes(StandardCharsets.UTF_8));
    assertThat(app.manuscripts().get(0)).isEqualTo(Keccak.hash(Files.readAllBytes(manuscript)));
    BlsKeyPair blsA =
        BlsKeyPair.fromSecret(
            new BigInteger(1, Hash.sha3("bls-11".getBytes(StandardCharsets.US_ASCII)))
                .mod(io.cvmavs.crypto.bn254.Bn254.R));
    assertThat(app.validators().entries())
        .anySatisfy(
            v -> {
              assertThat(v.consensusKey()).isEqualTo(ka);
              assertThat(v.g1()).isEqualTo(blsA.publicKeyG1());
              assertThat(v.g2()).isEqualTo(blsA.publicKeyG2());
              assertThat(v.power()).isEqualTo(120);
            });
    assertThat(err.toString()).contains("2 validators");
    assertThat(HexFormat.of().formatHex(app.validators().hash())).hasSize(64);
  }
}
