package io.cvmavs.operator.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.cvmavs.chain.rpc.ChainAccess;
import io.cvmavs.chain.rpc.RpcClient;
import io.cvmavs.consensus.app.GenesisState;
import io.cvmavs.consensus.app.model.BlsValidator;
import io.cvmavs.consensus.app.model.BlsValidatorSet;
import io.cvmavs.consensus.devnet.CvmChainNet;
import io.cvmavs.consensus.driver.ValidatorKey;
import io.cvmavs.consensus.rpc.CometRpcClient;
import io.cvmavs.contracts.Deployments;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.cvm.block.CvmBlockStore;
import io.cvmavs.cvm.proof.Keccak;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import io.cvmavs.stake.validator.ConsensusKey;
import io.cvmavs.storage.anchor.AnchorRegistryClient;
import io.cvmavs.storage.anchor.AnchoredGroup;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cvm-avs anchor} reading the CVM chain's finalised heights ({@code cvm_rpc_url}): four real
 * {@code CvmChainApp}s behind the local consensus driver (stepped by the test; CVM blocks from the
 * CVM's own block builder), anvil with the contracts of the forge deploy script. The continuous
 * mode anchors the finalised blocks, then the ones finalised while it runs, each once; a restart
 * sends nothing again; {@code storage recover} rebuilds the blocks from the anchors and checks them
 * against the chain's committed hashes.
 */
@WithAnvil
class CvmChainAnchoringIT {
  static final byte[] MANUSCRIPT =
      "name: chain-anchoring-it\nversion: 1\n".getBytes(StandardCharsets.UTF_8);
  static final byte[] STREAM = Keccak.hash(MANUSCRIPT);
  static final String PASSWORD = "chain-anchor-password";

  @TempDir Path dir;

  @Test
  void continuousModeAnchorsEachFinalisedHeightOnceAndARestartSendsNothingTwice(AnvilNode anvil)
      throws Exception {
    Deployments d = AnchorFixture.deployWithSubmitter(anvil, dir, PASSWORD);
    Files.write(dir.resolve("manuscript.yaml"), MANUSCRIPT);
    AtomicLong ethFinal = new AtomicLong(10); // CVM blocks 0 and 1 (ranges 1..5, 6..10) are due
    try (CvmChainNet chain = startChain(ethFinal)) {
      stepUntilCvmBlocks(chain, 2);
      Path config =
          Files.writeString(
              dir.resolve("anchor.yaml"),
              """
              eth_rpc_url: %s
              deployment_file: %s
              submitter_keystore: submitter.json
              cvm_rpc_url: %s
              cvm_trusted_height: 1
              cvm_trusted_hash: %s
              manuscript_file: manuscript.yaml
              block_store: blocks
              data_dir: anchor
              group_target_bytes: 1024
              group_max_age_seconds: 1
              poll_interval_ms: 100
              replication: [local]
              backends:
                - {name: local, type: local, dir: groups}
              """
                  .formatted(
                      anvil.rpcUrl(),
                      d.source().toAbsolutePath(),
                      chain.rpc(),
                      java.util.HexFormat.of()
                          .formatHex(
                              io.cvmavs.consensus.light.HeaderHash.of(
                                  chain.driver().block(1).orElseThrow().header()))));
      RpcClient reader = ChainAccess.read(URI.create(anvil.rpcUrl()), Optional.empty());
      AnchorRegistryClient registry = new AnchorRegistryClient(reader, d.address("AnchorRegistry"));
      long fromBlock = anvil.blockNumber();

      AnchorFixture.Cli running = new AnchorFixture.Cli(PASSWORD);
      Thread loop =
          Thread.ofPlatform()
              .name("anchor-loop")
              .start(() -> running.run("anchor", "--config", config.toString()));
      try {
        awaitNextHeight(registry, 2, running);
        // new heights arrive while it runs
        ethFinal.set(20);
        stepUntilCvmBlocks(chain, 4);
        awaitNextHeight(registry, 4, running);
        // the loop records the last anchor once its receipt is in: let it finish that step
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!running.out.toString().contains("..3 anchored in block")
            && System.nanoTime() < deadline) {
          Thread.sleep(100);
        }
      } finally {
        stop(loop);
      }
      assertThat(running.out.toString())
          .contains(
              "[anchor] reading the CVM chain's finalised blocks at "
                  + chain.rpc()
                  + " (checked by the light client from trusted header 1)");
      List<AnchoredGroup> anchors =
          registry.anchors(Optional.of(STREAM), fromBlock, reader.blockNumber());
      assertThat(anchors.getFirst().firstHeight()).isZero();
      assertThat(anchors.getLast().lastHeight()).isEqualTo(3);
      for (int i = 1; i < anchors.size(); i++) {
        assertThat(anchors.get(i).firstHeight()).isEqualTo(anchors.get(i - 1).lastHeight() + 1);
      }
      assertThat(count(running.out.toString(), "anchored in block")).isEqualTo(anchors.size());
      assertThat(count(running.out.toString(), "closed:")).isEqualTo(anchors.size());

      // restart: nothing packed, stored or sent again
      BigInteger nonce = nonce(anvil);
      AnchorFixture.Cli again = new AnchorFixture.Cli(PASSWORD);
      assertThat(again.run("anchor", "--config", config.toString(), "--once"))
          .as(again.err.toString())
          .isZero();
      assertThat(again.out.toString()).doesNotContain("closed:").doesNotContain("anchored in");
      assertThat(nonce(anvil)).isEqualTo(nonce);
      // it resumed at the CometBFT block that finalised block 3 and read only from there on, up
      // to the block below the newest header (a block's app hash is in the next header)
      long committed;
      try (CometRpcClient rpc = new CometRpcClient(chain.rpc(), Duration.ofSeconds(10))) {
        committed = CvmChainBlocks.Node.rpc(rpc).committedHeight();
      }
      Matcher resumed =
          Pattern.compile(
                  "resuming after block 3: scanning the CVM chain from CometBFT height (\\d+)")
              .matcher(again.out.toString());
      assertThat(resumed.find()).as(again.out.toString()).isTrue();
      long resumedAt = Long.parseLong(resumed.group(1));
      assertThat(resumedAt).isGreaterThan(1).isLessThanOrEqualTo(committed);
      assertThat(again.out.toString())
          .contains("[anchor] read " + (committed - resumedAt) + " CometBFT block(s)");
      try (var files = Files.walk(dir.resolve("groups"))) {
        assertThat(files.filter(p -> p.toString().endsWith(".cvmg")).count())
            .isEqualTo(anchors.size());
      }

      // recovery from the anchors alone, checked against the chain's committed hashes
      AnchorFixture.Cli recover = new AnchorFixture.Cli(PASSWORD);
      assertThat(
              recover.run(
                  "storage",
                  "recover",
                  "--config",
                  config.toString(),
                  "--from",
                  "local",
                  "--into",
                  dir.resolve("recovered").toString()))
          .as(recover.err.toString())
          .isZero();
      assertThat(recover.out.toString())
          .contains("4 block(s) appended from local")
          .contains("4 block(s) match the CVM chain's committed hashes");
      try (CvmBlockStore store = CvmBlockStore.open(dir.resolve("recovered"))) {
        assertThat(store.head(STREAM).orElseThrow().hash())
            .isEqualTo(new ChainBlocksFixture().chain(STREAM, 4, 1, 5).getLast().hash());
      }
    }
  }

  CvmChainNet startChain(AtomicLong ethFinal) throws Exception {
    ChainBlocksFixture cvm = new ChainBlocksFixture();
    List<CvmChainNet.Validator> validators = new ArrayList<>();
    List<BlsValidator> set = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ValidatorKey ed =
          ValidatorKey.fromSeed(Keccak.hash(("anchor IT " + i).getBytes(StandardCharsets.UTF_8)));
      BlsKeyPair bls = BlsKeyPair.fromSecret(BigInteger.valueOf(9100 + i));
      validators.add(new CvmChainNet.Validator("validator-" + i, ed, bls, cvm));
      set.add(
          new BlsValidator(
              ConsensusKey.of(ed.publicKey()), bls.publicKeyG1(), bls.publicKeyG2(), 10));
    }
    GenesisState genesis =
        new GenesisState("eth", 1, 5, 0, 1_000_000, 0, 0, List.of(STREAM), BlsValidatorSet.of(set));
    return CvmChainNet.start(
        new CvmChainNet.Settings(
            "cvm-anchor-it",
            genesis,
            validators,
            ethFinal::get,
            dir.resolve("chain"),
            null,
            Duration.ofSeconds(30)));
  }

  /**
   * Steps until the chain holds {@code count} CVM blocks, then once more: the anchoring's light
   * client reads a CometBFT block once the next header (with the app hash after it) exists.
   */
  static void stepUntilCvmBlocks(CvmChainNet chain, long count) throws Exception {
    for (int i = 0; i < 20 && chain.status().cvmBlocks() < count; i++) {
      assertThat(chain.step()).isPresent();
    }
    assertThat(chain.status().cvmBlocks()).isEqualTo(count);
    assertThat(chain.step()).isPresent();
    assertThat(chain.status().cvmBlocks()).isEqualTo(count);
  }

  static void awaitNextHeight(AnchorRegistryClient registry, long next, AnchorFixture.Cli running)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (registry.nextHeight(STREAM) < next && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(registry.nextHeight(STREAM))
        .as("anchored through height %d; the loop said:%n%s%s", next - 1, running.out, running.err)
        .isEqualTo(next);
  }

  static void stop(Thread loop) throws InterruptedException {
    for (int i = 0; i < 100 && loop.isAlive(); i++) {
      loop.interrupt();
      loop.join(100);
    }
    assertThat(loop.isAlive()).as("the anchor loop stops when interrupted").isFalse();
  }

  static int count(String text, String what) {
    Matcher m = Pattern.compile(Pattern.quote(what)).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  static BigInteger nonce(AnvilNode anvil) throws Exception {
    return anvil
        .web3j()
        .ethGetTransactionCount(
            anvil.account(0).address(), org.web3j.protocol.core.DefaultBlockParameterName.LATEST)
        .send()
        .getTransactionCount();
  }
}
