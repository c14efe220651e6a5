package io.cvmavs.operator.consensus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.cvmavs.common.net.HostPort;
import io.cvmavs.consensus.app.GenesisState;
import io.cvmavs.consensus.app.model.BlsValidator;
import io.cvmavs.consensus.app.state.AppState;
import io.cvmavs.consensus.driver.LocalConsensusDriver;
import io.cvmavs.consensus.driver.ValidatorKey;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import io.cvmavs.operator.config.OperatorConfig;
import io.cvmavs.operator.config.OperatorConfigLoader;
import io.cvmavs.operator.devnet.SeededOperators;
import io.cvmavs.operator.localnet.AvsLocalnet;
import io.cvmavs.stake.config.StakeConfig;
import io.cvmavs.stake.config.StakeConfigLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Hash;

/**
 * {@code cvm-avs consensus serve} on a real anvil with the forge deploy: operator 1 registered
 * through {@code operator register} (Ed25519 consensus key, BLS key, restake and {@code $C}), the
 * genesis {@code consensus genesis} computes from the stake aggregator, then the served validator —
 * operator node and CVM chain app in one JVM on one CVM — driven over its ABCI socket by the local
 * consensus driver (a test harness in CometBFT's call order; no CometBFT binary can run here) with
 * the operator's consensus key, as its CometBFT node would: the app signs vote extensions with the
 * keystore's BLS key, the chain certifies heights, and a CVM block of the registered manuscript,
 * built and re-executed on the node's own CVM, is finalised.
 */
@WithAnvil
class ConsensusServeIT {
  @TempDir Path dir;

  @Test
  void theServedValidatorFinalisesCvmBlocksOnItsNodesCvm(AnvilNode anvil) throws Exception {
    AvsLocalnet net = AvsLocalnet.deploy(anvil, dir, "serve");
    ValidatorKey consensusKey =
        ValidatorKey.fromSeed(Hash.sha3("consensus-1".getBytes(StandardCharsets.US_ASCII)));
    // `operator register` with the Ed25519 public key its CometBFT node would sign with. No
    // aggregator runs: no task is created, so the node never sends a signature.
    OperatorConfig config =
        OperatorConfigLoader.load(
            net.seeded()
                .writeAndRegister(
                    SeededOperators.Operator.of("op1", 1, AvsLocalnet.operatorKey(1))
                        .aggregatorPort(1)
                        .wsUrl(anvil.wsUrl()),
                    consensusKey.publicKey()));
    StakeConfig stake = StakeConfigLoader.load(stakeYaml(anvil, net));
    GenesisState genesis =
        ConsensusGenesisCommand.genesis(
                stake,
                null,
                List.of(AvsLocalnet.MANUSCRIPT_HASH),
                net.deploymentBlock() + 1,
                AvsLocalnet.SPAN)
            .app();
    assertThat(genesis.validators().entries()).hasSize(1);
    BlsValidator v = genesis.validators().entries().get(0);
    assertThat(v.consensusKey().bytes()).isEqualTo(consensusKey.publicKey());

    ConsensusServeCommand.Running served =
        ConsensusServeCommand.start(
            config,
            AvsLocalnet.operatorKey(1),
            net.nodeOptions(Duration.ofMillis(500), true),
            stake,
            HostPort.parse("127.0.0.1:0"),
            OptionalLong.of(2 * AvsLocalnet.SPAN),
            100_000);
    HostPort listen = HostPort.parse("127.0.0.1:" + served.address().getPort());
    try (LocalConsensusDriver driver =
        LocalConsensusDriver.start(
            LocalConsensusDriver.Settings.of(
                    "cvm-serve-it",
                    List.of(
                        new LocalConsensusDriver.NodeSpec(
                            "operator-1", consensusKey, v.power(), served.address())))
                .withCallTimeout(Duration.ofSeconds(30))
                .withAppStateBytes(ByteString.copyFrom(genesis.toJsonBytes())))) {
      assertThat(served.address().getAddress().isLoopbackAddress()).isTrue();
      // A second validator process on the same data_dir is refused before it opens anything.
      assertThatThrownBy(() -> serve(config, stake, net, listen))
          .isInstanceOf(io.cvmavs.operator.node.NodeException.DataDirectoryInUse.class)
          .hasMessageContaining("is in use by another node");
      driver.runEvery(Duration.ofMillis(300));
      ConsensusServeCommand.Running first = served;
      await()
          .atMost(AvsLocalnet.WAIT.multipliedBy(2))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () -> {
                AppState s = first.app().state();
                assertThat(s.lastCertificateHeight).as("certified height").isPositive();
                assertThat(s.cvmBlocks.count()).as("CVM blocks finalised").isPositive();
              });
      assertThat(served.app().state().manuscripts)
          .containsKey(HexFormat.of().formatHex(AvsLocalnet.MANUSCRIPT_HASH));

      // The operator restarts its validator: the node's lock is released, the app reopens its
      // committed state, and the consensus engine's handshake (Info, replay) lets the chain go on.
      long stoppedAt = served.app().height();
      served.close();
      served = null;
      served = serve(config, stake, net, listen);
      assertThat(served.app().height()).isEqualTo(stoppedAt);
      ConsensusServeCommand.Running second = served;
      await()
          .atMost(AvsLocalnet.WAIT)
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(() -> assertThat(second.app().height()).isGreaterThan(stoppedAt + 2));
    } finally {
      if (served != null) {
        served.close();
      }
    }
  }

  private static ConsensusServeCommand.Running serve(
      OperatorConfig config, StakeConfig stake, AvsLocalnet net, HostPort listen) {
    return ConsensusServeCommand.start(
        config,
        AvsLocalnet.operatorKey(1),
        net.nodeOptions(Duration.ofMillis(500), true),
        stake,
        listen,
        OptionalLong.of(2 * AvsLocalnet.SPAN),
        100_000);
  }

  /**
   * The stake aggregator over the localnet's contracts: epoch 0 starts at the current block (its
   * set holds every operator registered so far), then epochs of 100 blocks.
   */
  private Path stakeYaml(AnvilNode anvil, AvsLocalnet net) throws Exception {
    return Files.writeString(
        dir.resolve("stake.yaml"),
        """
        eth_rpc_url: %s
        deployment_file: %s
        epoch: {genesis_block: %d, length_blocks: 100}
        power: {unit: 1}
        prices:
          c_per_eth: {value: "4"}
          strategies:
            default: {value: "1"}
        """
            .formatted(anvil.rpcUrl(), net.deploymentFile().toAbsolutePath(), anvil.blockNumber()));
  }
}
