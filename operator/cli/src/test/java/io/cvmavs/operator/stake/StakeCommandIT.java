package io.cvmavs.operator.stake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import io.cvmavs.stake.devnet.DevnetStakeDriver;
import io.cvmavs.stake.validator.ConsensusKey;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code stake validator-set} in-process against live devnet contracts on a real anvil. */
@WithAnvil
class StakeCommandIT {
  private static final BigInteger E18 = DevnetStakeDriver.E18;

  @Test
  void printsSetUpdatesAndSecurityFromLiveContracts(AnvilNode anvil, @TempDir Path dir)
      throws Exception {
    TwoStakedOperators seeded = TwoStakedOperators.seed(anvil, dir);
    long block = seeded.block();
    Path config = seeded.stakeConfig();

    String json =
        run("validator-set", "--config", config.toString(), "--block", "" + block, "--json");
    JsonNode root = new ObjectMapper().readTree(json);
    ConsensusKey ka = ConsensusKey.of(DevnetStakeDriver.consensusKey(11));
    ConsensusKey kb = ConsensusKey.of(DevnetStakeDriver.consensusKey(12));
    assertThat(root.get("epochBlock").asLong()).isEqualTo(block);
    assertThat(root.get("totalPower").asLong()).isEqualTo(160);
    assertThat(root.get("validators")).hasSize(2);
    assertThat(root.at("/validators/0/pubKey").asText()).isEqualTo(ka.hex());
    assertThat(root.at("/validators/0/power").asLong()).isEqualTo(120);
    assertThat(root.at("/validators/0/address").asText()).isEqualTo(ka.addressHex());
    assertThat(root.at("/validators/1/power").asLong()).isEqualTo(40);
    // B registered in the last block: the previous epoch (block - 1) had only A.
    assertThat(root.get("updates")).hasSize(1);
    assertThat(root.at("/updates/0/pubKey").asText()).isEqualTo(kb.hex());
    assertThat(root.at("/updates/0/power").asLong()).isEqualTo(40);
    assertThat(root.at("/security/totalSlashableC").asText())
        .isEqualTo(E18.multiply(BigInteger.valueOf(160)).toString());
    assertThat(root.at("/security/totalSlashableEth").asText())
        .isEqualTo(E18.multiply(BigInteger.valueOf(40)).toString());
    assertThat(root.at("/operators/0/restaked/0/shares").isTextual()).isTrue();

    assertThat(run("validator-set", "--config", config.toString(), "--block", "" + block, "--json"))
        .as("same block, same bytes")
        .isEqualTo(json);

    String text = run("validator-set", "--config", config.toString(), "--block", "" + block);
    assertThat(text)
        .contains("validators: 2, total power 160")
        .contains(ka.addressHex())
        .contains("updates (1):")
        .contains("total slashable value: 160 $C = 40 ETH")
        .contains("cost to corrupt > 1/3 of power");
  }

  private static String run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new StakeCommand());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    assertThat(exit).as(err.toString()).isZero();
    assertThat(err.toString()).contains("JSON-RPC requests");
    return out.toString();
  }
}
