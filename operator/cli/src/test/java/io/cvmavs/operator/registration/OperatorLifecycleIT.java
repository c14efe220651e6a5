package io.cvmavs.operator.registration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cvmavs.chain.avs.RegistryReader;
import io.cvmavs.chain.rpc.ChainAccess;
import io.cvmavs.chain.rpc.RpcClient;
import io.cvmavs.consensus.app.validators.BlsKeyDirectory;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import io.cvmavs.operator.consensus.RegistryBlsKeys;
import io.cvmavs.operator.devnet.SeededOperators;
import io.cvmavs.operator.localnet.AvsLocalnet;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code operator update-socket} and {@code operator deregister} on a real anvil with the real
 * deploy: two operators registered through {@code operator register}; the first changes its socket
 * (no-op when unchanged, bad sockets refused), then leaves the AVS: the registry marks it inactive
 * and drops its stake from the quorum, a re-run says "already deregistered", {@code --deallocate}
 * starts the deallocation delay, and after DEALLOCATION_DELAY blocks it is no longer slashable. The
 * second operator is untouched throughout.
 */
@WithAnvil
class OperatorLifecycleIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final BigInteger STAKE = new BigInteger("150000000000000000000");
  private static final String WAD = "1000000000000000000";

  @TempDir Path dir;

  @Test
  void updatesTheSocketAndDeregisters(AnvilNode anvil) throws Exception {
    AvsLocalnet net = AvsLocalnet.deploy(anvil, dir, "lifecycle");
    String op1 = net.registerOperator(1, 1).toString();
    RpcClient rpc = ChainAccess.read(URI.create(anvil.rpcUrl()), Optional.empty());
    long afterOp1 = rpc.blockNumber();
    String op2 = net.registerOperator(2, 1).toString();
    registryBlsKeysDecodesThisRunsRegistrations(net, rpc, afterOp1);

    // update-socket
    JsonNode status = status(net, op1);
    assertThat(status.path("socket").asText()).isEqualTo("127.0.0.1:9001");
    // issue 21: the liveness rule as the chain publishes it (no response yet: nothing missed)
    assertThat(status.path("liveness_sla").path("ejection_at").asInt()).isEqualTo(3);
    assertThat(status.path("liveness_sla").path("missed_in_a_row").asInt()).isZero();
    assertThat(status.path("liveness_sla").path("warning").asBoolean()).isFalse();
    assertThat(net.cli("operator", "update-socket", "--config", op1))
        .contains("skipped  updateSocket")
        .contains("is already 127.0.0.1:9001");
    assertThat(
            net.cli(
                "operator", "update-socket", "--config", op1, "--socket", "op1.example.org:9443"))
        .contains("done     updateSocket")
        .contains("127.0.0.1:9001 → op1.example.org:9443");
    assertThat(status(net, op1).path("socket").asText()).isEqualTo("op1.example.org:9443");
    assertThat(
            net.cli(
                "operator", "update-socket", "--config", op1, "--socket", "op1.example.org:9443"))
        .contains("skipped  updateSocket")
        .doesNotContain("done ");
    for (String bad : new String[] {"nohost", "host:70000", "host:0", "bad host:1", ":80", "h:x"}) {
      SeededOperators.CliResult r =
          net.run("operator", "update-socket", "--config", op1, "--socket", bad);
      assertThat(r.exitCode()).as(bad + ": " + r.err()).isEqualTo(2);
      assertThat(r.err()).contains("--socket");
    }
    assertThat(net.cli("operator", "update-socket", "--config", op1))
        .contains("done     updateSocket")
        .contains("op1.example.org:9443 → 127.0.0.1:9001");
    assertThat(status(net, op2).path("socket").asText()).isEqualTo("127.0.0.1:9002");

    // deregister
    status = status(net, op1);
    assertThat(status.path("registered").asBoolean()).isTrue();
    assertThat(status.path("quorums").get(0).path("active").asBoolean()).isTrue();
    assertThat(new BigInteger(status.path("quorums").get(0).path("total_stake").asText()))
        .isEqualTo(STAKE.multiply(BigInteger.TWO));
    String out = net.cli("operator", "deregister", "--config", op1);
    assertThat(out)
        .contains("done     deregisterFromOperatorSets")
        .contains("registry: inactive in quorum 0")
        .contains("DEALLOCATION_DELAY 50 blocks")
        .contains("skipped  deallocate: magnitude " + WAD + " stays allocated");
    status = status(net, op1);
    assertThat(status.path("registered").asBoolean()).isFalse();
    assertThat(status.path("quorums").get(0).path("active").asBoolean()).isFalse();
    assertThat(status.path("quorums").get(0).path("stake").asText()).isEqualTo("0");
    assertThat(new BigInteger(status.path("quorums").get(0).path("total_stake").asText()))
        .isEqualTo(STAKE);
    assertThat(status.path("slashable").asBoolean()).as("within the deallocation delay").isTrue();
    assertThat(status.path("allocation").path("magnitude_wad").asText()).isEqualTo(WAD);
    assertThat(status.path("ejected").asBoolean()).isFalse();

    assertThat(net.cli("operator", "deregister", "--config", op1))
        .contains("skipped  deregisterFromOperatorSets")
        .contains("already deregistered")
        .contains("still slashable")
        .doesNotContain("done ");

    out = net.cli("operator", "deregister", "--config", op1, "--deallocate");
    assertThat(out)
        .contains("already deregistered")
        .contains("done     deallocate: magnitude " + WAD + " → 0")
        .contains("effective at block");
    status = status(net, op1);
    assertThat(status.path("allocation").path("pending_diff_wad").asText()).isEqualTo("-" + WAD);
    long effect = status.path("allocation").path("effect_block").asLong();
    assertThat(net.cli("operator", "deregister", "--config", op1, "--deallocate"))
        .contains("skipped  deallocate: deallocation already pending, effective at block " + effect)
        .doesNotContain("done ");

    // The delay passes: no longer slashable, nothing allocated.
    long head = status.path("block").asLong();
    ChainAccess.anvilMine(URI.create(anvil.rpcUrl()), effect - head + 1);
    status = status(net, op1);
    assertThat(status.path("slashable").asBoolean()).isFalse();
    assertThat(status.path("allocation").path("magnitude_wad").asText()).isEqualTo("0");
    assertThat(status.path("allocation").path("pending_diff_wad").asText()).isEqualTo("0");
    assertThat(net.cli("operator", "deregister", "--config", op1, "--deallocate"))
        .contains("skipped  deallocate: nothing allocated")
        .doesNotContain("still slashable");

    // The other operator is untouched; an account that never registered is "already" out.
    JsonNode other = status(net, op2);
    assertThat(other.path("registered").asBoolean()).isTrue();
    assertThat(other.path("quorums").get(0).path("active").asBoolean()).isTrue();
    assertThat(new BigInteger(other.path("quorums").get(0).path("stake").asText()))
        .isEqualTo(STAKE);
    Path never = net.writeOperator("op3", 3, AvsLocalnet.operatorKey(3), 1);
    assertThat(net.cli("operator", "deregister", "--config", never.toString()))
        .contains("was never registered with the AVS")
        .doesNotContain("done ");
    SeededOperators.CliResult noId =
        net.run("operator", "update-socket", "--config", never.toString());
    assertThat(noId.exitCode()).isEqualTo(1);
    assertThat(noId.err()).contains("register first");
  }

  /**
   * {@link RegistryBlsKeys} over the {@code NewPubkeyRegistration} logs this run's {@code operator
   * register} produced: each operator's own G1/G2 key, none before its registration block, none for
   * an account that never registered; a later query extends the scan rather than re-reading.
   */
  private static void registryBlsKeysDecodesThisRunsRegistrations(
      AvsLocalnet net, RpcClient rpc, long afterOp1) {
    String op1 = net.anvil().account(1).address();
    String op2 = net.anvil().account(2).address();
    RegistryBlsKeys keys =
        new RegistryBlsKeys(new RegistryReader(rpc, net.deployments().address("CvmRegistry")));
    // at op1's block: op1 known, op2 not yet registered
    BlsKeyDirectory.BlsPublicKeys k1 = keys.keysOf(op1, afterOp1).orElseThrow();
    assertThat(k1.g1()).isEqualTo(AvsLocalnet.operatorKey(1).publicKeyG1());
    assertThat(k1.g2()).isEqualTo(AvsLocalnet.operatorKey(1).publicKeyG2());
    assertThat(keys.keysOf(op2, afterOp1)).as("registered after that block").isEmpty();
    long head = rpc.blockNumber();
    BlsKeyDirectory.BlsPublicKeys k2 =
        keys.keysOf(op2.toUpperCase(java.util.Locale.ROOT).replace("0X", "0x"), head).orElseThrow();
    assertThat(k2.g1()).isEqualTo(AvsLocalnet.operatorKey(2).publicKeyG1());
    assertThat(k2.g2()).isEqualTo(AvsLocalnet.operatorKey(2).publicKeyG2());
    assertThat(k2.g1()).isNotEqualTo(k1.g1());
    assertThat(keys.keysOf(op1, head)).contains(k1);
    assertThat(keys.keysOf(net.anvil().account(3).address(), head))
        .as("never registered")
        .isEmpty();
    // a fresh directory asked about the block before op1's registration first sees nothing yet
    RegistryReader reader = new RegistryReader(rpc, net.deployments().address("CvmRegistry"));
    long op1Block =
        reader.pubkeyRegistrations(0, head).stream()
            .filter(r -> r.operator().equalsIgnoreCase(op1))
            .findFirst()
            .orElseThrow()
            .block();
    RegistryBlsKeys early = new RegistryBlsKeys(reader);
    assertThat(early.keysOf(op1, op1Block - 1)).as("before op1 registered").isEmpty();
    assertThat(early.keysOf(op1, op1Block)).contains(k1);
  }

  private static JsonNode status(AvsLocalnet net, String config) throws Exception {
    return JSON.readTree(net.cli("operator", "status", "--config", config));
  }
}
