package io.cvmavs.operator.consensus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cvmavs.consensus.app.GenesisState;
import io.cvmavs.contracts.Deployments;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.cvm.proof.Keccak;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import io.cvmavs.localnet.forge.ForgeDeploy;
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
  private static final BigInteger E18 = DevnetStakeDriver.E18;

  @Test
  void writesTheCometGenesisWithTheAggregatorsSetAndRegisteredBlsKeys(
      AnvilNode anvil, @TempDir Path dir) throws Exception {
    Deployments d = Deployments.read(ForgeDeploy.deploy(anvil));
    DevnetStakeDriver chain =
        new DevnetStakeDriver(anvil.web3j(), d, anvil.account(0).credentials());
    Credentials a = anvil.account(1).credentials();
    Credentials b = anvil.account(2).credentials();
    chain.eigenOperator(a, E18.multiply(BigInteger.valueOf(100)));
    chain.setConsensusKey(a, DevnetStakeDriver.consensusKey(11));
    chain.stakeC(a, a.getAddress(), E18.multiply(BigInteger.valueOf(20)));
    chain.registerWithAvs(a, 11);
    chain.eigenOperator(b, BigInteger.ZERO);
    chain.setConsensusKey(b, DevnetStakeDriver.consensusKey(12));
    chain.stakeC(b, b.getAddress(), E18.multiply(BigInteger.valueOf(40)));
    chain.registerWithAvs(b, 12);
    long block = anvil.blockNumber();

    Path config = dir.resolve("stake.yaml");
    Files.writeString(
        config,
        """
        eth_rpc_url: %s
        deployment_file: %s
        epoch: {genesis_block: 0, length_blocks: 1}
        power: {unit: 1}
        prices:
          c_per_eth: {value: "4"}
          strategies:
            default: {value: "1"}
        """
            .formatted(anvil.rpcUrl(), d.source().toAbsolutePath()));
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
