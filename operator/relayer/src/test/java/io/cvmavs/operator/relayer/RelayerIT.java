package io.cvmavs.operator.relayer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.chain.bridge.CheckpointsReader;
import io.cvmavs.consensus.devnet.CvmChainNet;
import io.cvmavs.contracts.Deployments;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.protocol.core.DefaultBlockParameterName;

/**
 * The relayer against real parts: anvil with the AVS and bridge contracts deployed by the real
 * deploy script ({@code forge script}), the genesis BLS set written by the owner, and the CVM chain
 * as four real {@code CvmChainApp}s behind the local consensus driver ({@link CvmChainNet}; its
 * CometBFT-shaped RPC is what the relayer reads). The apps register one manuscript whose Ethereum
 * range never becomes final here, so heights carry certificates but no CVM blocks (CVM blocks are
 * covered by {@code CvmChainNetIT}; the relayer does not look inside them). One anvil and one
 * deployment for the class; each test starts from a snapshot taken after the genesis set.
 */
@WithAnvil
class RelayerIT {
  private static final String CHAIN_ID = CvmChainFixture.CHAIN_ID;
  private static final CvmChainFixture CHAIN = new CvmChainFixture("relayer IT", 7100);
  private static Deployments deployments;
  private static String snapshot;

  @TempDir Path dir;
  private AnvilNode anvil;
  private String checkpoints;

  @BeforeEach
  void deployOnceThenRevert(AnvilNode node) {
    anvil = node;
    if (deployments == null) {
      deployments = CHAIN.deployWithGenesisSet(anvil);
    } else {
      anvil.revert(snapshot);
    }
    checkpoints = deployments.address("CvmCheckpoints");
    snapshot = anvil.snapshot();
  }

  @Test
  void checkpointsAreAcceptedAndARestartResumesWithoutResubmitting() throws Exception {
    try (CvmChainNet chain = startChain()) {
      steps(chain, 6); // heights 1..6; certificates of 1..5
      Relayer a = relayer(1, dir.resolve("a"), 2, chain.rpc());
      List<Relayer.Event> first = a.step();
      assertThat(first).extracting(Relayer.Event::height).containsExactly(1L, 3L, 5L);
      assertThat(first)
          .allSatisfy(e -> assertThat(e.kind()).isEqualTo(Relayer.Event.Kind.SUBMITTED));
      assertThat(first).allSatisfy(e -> assertThat(e.detail()).isEqualTo("0 non-signers"));
      CheckpointsReader reader = reader();
      assertThat(reader.latestHeight()).isEqualTo(5);
      assertThat(reader.checkpointCount()).isEqualTo(3);
      first.forEach(
          e ->
              System.out.println(
                  "[gas] submitCheckpoint, 4 validators, 0 non-signers: " + e.gasUsed()));

      // The contract's digest of what was sent equals the one the validators signed.
      RelayCertificate five =
          CometCvmChain.connect(chain.rpc(), Duration.ofSeconds(5)).certificate(5).orElseThrow();
      assertThat(reader.checkpointDigest(five.data()))
          .isEqualTo(five.checkpoint().digest(CHAIN_ID));

      byte[] savedAfterFirstPass = Files.readAllBytes(dir.resolve("a").resolve(RelayerState.FILE));

      // Validator 3 goes down: its vote extensions are missing, certificates carry 1 non-signer.
      chain.kill(3);
      steps(chain, 4); // heights 7..10; certificates up to 9
      Relayer restarted = relayer(1, dir.resolve("a"), 2, chain.rpc());
      assertThat(restarted.state().lastSubmittedHeight()).isEqualTo(5);
      List<Relayer.Event> second = restarted.step();
      assertThat(second).extracting(Relayer.Event::height).containsExactly(7L, 9L);
      assertThat(second).allSatisfy(e -> assertThat(e.detail()).isEqualTo("1 non-signers"));
      second.forEach(
          e ->
              System.out.println(
                  "[gas] submitCheckpoint, 4 validators, 1 non-signer: " + e.gasUsed()));
      assertThat(reader.latestHeight()).isEqualTo(9);
      long nonce = nonce(1);
      assertThat(nonce).isEqualTo(5);

      // Killed after 7 and 9 were mined but before the state file recorded them: the older file
      // is back, and the restarted relayer reads the contract, finds both on chain, sends nothing.
      Files.write(dir.resolve("a").resolve(RelayerState.FILE), savedAfterFirstPass);
      Relayer afterCrash = relayer(1, dir.resolve("a"), 2, chain.rpc());
      assertThat(afterCrash.state().scannedHeight()).isEqualTo(5);
      assertThat(afterCrash.step()).isEmpty();
      assertThat(nonce(1)).isEqualTo(nonce);
      assertThat(afterCrash.state().scannedHeight()).isEqualTo(9);
      assertThat(reader.checkpointCount()).isEqualTo(5);
    }
  }

  @Test
  void twoRelayersRacingLandEachCheckpointOnce() throws Exception {
    try (CvmChainNet chain = startChain()) {
      steps(chain, 9); // certificates of 1..8
      Relayer b = relayer(2, dir.resolve("b"), 1, chain.rpc());
      Relayer c = relayer(3, dir.resolve("c"), 1, chain.rpc());
      List<Relayer.Event> events = new CopyOnWriteArrayList<>();
      List<Throwable> failures = new CopyOnWriteArrayList<>();
      CountDownLatch go = new CountDownLatch(1);
      List<Thread> threads = new ArrayList<>();
      for (Relayer r : List.of(b, c)) {
        threads.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      try {
                        go.await();
                        events.addAll(r.step());
                      } catch (Throwable t) {
                        failures.add(t);
                      }
                    }));
      }
      go.countDown();
      for (Thread t : threads) {
        t.join(Duration.ofMinutes(3));
      }
      assertThat(failures).isEmpty();
      List<Long> submitted =
          events.stream()
              .filter(e -> e.kind() == Relayer.Event.Kind.SUBMITTED)
              .map(Relayer.Event::height)
              .toList();
      assertThat(new HashSet<>(submitted)).hasSize(submitted.size()); // no height twice
      assertThat(submitted)
          .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 8).boxed().toList());
      CheckpointsReader reader = reader();
      assertThat(reader.latestHeight()).isEqualTo(8);
      assertThat(reader.checkpointCount()).isEqualTo(8);
      Set<Long> lost = new HashSet<>();
      events.stream()
          .filter(e -> e.kind() == Relayer.Event.Kind.LOST_RACE)
          .forEach(e -> lost.add(e.height()));
      System.out.println(
          "[race] relayer b: "
              + b.state().submitted()
              + " submitted, "
              + b.state().lostRaces()
              + " lost; relayer c: "
              + c.state().submitted()
              + " submitted, "
              + c.state().lostRaces()
              + " lost; lost heights "
              + lost);
      assertThat(b.state().submitted() + c.state().submitted()).isEqualTo(8);
      assertThat(nonce(2) + nonce(3))
          .as("mined transactions of both (a lost race is refused at estimation or reverts once)")
          .isGreaterThanOrEqualTo(8);
    }
  }

  @Test
  void aTamperedCertificateFromALyingNodeIsRefusedAndNothingIsSent() throws Exception {
    try (CvmChainNet chain = startChain();
        LyingRpcProxy liar = new LyingRpcProxy(chain.rpc())) {
      steps(chain, 4);
      Relayer lied = relayer(4, dir.resolve("l"), 1, liar.uri());
      assertThatThrownBy(lied::step)
          .isInstanceOf(RelayerException.Refused.class)
          .hasMessageContaining("certificate of CVM height 1 refused locally")
          .hasMessageContaining("does not verify");
      assertThat(liar.tampered.get()).isPositive();
      assertThat(nonce(4)).isZero();
      assertThat(reader().latestHeight()).isZero();
      assertThat(reader().checkpointCount()).isZero();
      assertThat(lied.state().scannedHeight()).isZero();

      // The same relayer (data directory, account) over the honest node goes on from height 1.
      Relayer honest = relayer(4, dir.resolve("l"), 1, chain.rpc());
      assertThat(honest.step()).extracting(Relayer.Event::height).containsExactly(1L, 2L, 3L);
      assertThat(reader().latestHeight()).isEqualTo(3);
    }
  }

  // ------------------------------------------------------------------ fixtures

  // A registered manuscript whose first range (Ethereum blocks 1..5) never becomes final: the
  // validators report Ethereum height 0.
  private CvmChainNet startChain() throws Exception {
    return CvmChainNet.start(
        CHAIN.settings(1, CvmChainFixture.noBlockDue(), () -> 0L, dir.resolve("chain"), null));
  }

  private static void steps(CvmChainNet chain, int n) throws Exception {
    for (int i = 0; i < n; i++) {
      assertThat(chain.step()).isPresent();
    }
  }

  private Relayer relayer(int account, Path data, long every, URI cvmRpc) {
    return CvmChainFixture.relayer(anvil, account, checkpoints, data, every, cvmRpc);
  }

  private CheckpointsReader reader() {
    return CvmChainFixture.checkpointsReader(anvil, checkpoints);
  }

  private long nonce(int account) throws Exception {
    return anvil
        .web3j()
        .ethGetTransactionCount(anvil.account(account).address(), DefaultBlockParameterName.LATEST)
        .send()
        .getTransactionCount()
        .longValueExact();
  }
}
