package io.cvmavs.consensus.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.cvmavs.consensus.light.HeaderHash;
import io.cvmavs.consensus.light.LightBlock;
import io.cvmavs.consensus.light.LightVerifier;
import io.cvmavs.consensus.light.Result;
import io.cvmavs.consensus.light.SignedHeader;
import io.cvmavs.consensus.light.Verdict;
import io.cvmavs.consensus.proto.abci.ExtendedVoteInfo;
import io.cvmavs.consensus.proto.abci.RequestPrepareProposal;
import io.cvmavs.consensus.proto.abci.RequestQuery;
import io.cvmavs.consensus.proto.types.BlockIDFlag;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The driver over real ABCI sockets ({@link LocalNet}: one {@code AbciServer} per validator on
 * loopback) with the deterministic {@link KvStoreApp}. The tests step the driver themselves.
 */
class LocalConsensusDriverTest {
  private static final LightVerifier.Options OPTIONS =
      LightVerifier.Options.of(Duration.ofDays(14));

  private LocalNet net;
  private KvStoreApp[] apps;
  private KvStoreApp.Disk[] disks;

  @AfterEach
  void stop() {
    if (net != null) {
      net.close();
    }
  }

  private LocalNet start(List<Long> powers, IntFunction<KvStoreApp.Mode> modes) throws Exception {
    return start(powers, modes, Duration.ofSeconds(5), null);
  }

  private LocalNet start(
      List<Long> powers, IntFunction<KvStoreApp.Mode> modes, Duration timeout, Duration interval)
      throws Exception {
    apps = new KvStoreApp[powers.size()];
    disks = new KvStoreApp.Disk[powers.size()];
    for (int i = 0; i < disks.length; i++) {
      disks[i] = new KvStoreApp.Disk();
    }
    net =
        LocalNet.start(
            LocalNet.Settings.of(
                    "driver-test", powers, i -> apps[i] = new KvStoreApp(modes.apply(i), disks[i]))
                .withCallTimeout(timeout)
                .withBlockInterval(interval));
    return net;
  }

  private StoredBlock step() throws DriverException {
    return net.driver().step().orElseThrow(() -> new AssertionError(net.driver().rounds()));
  }

  private LightBlock light(long height) {
    LocalConsensusDriver d = net.driver();
    StoredBlock b = d.block(height).orElseThrow();
    return new LightBlock(
        new SignedHeader(b.header(), b.commit()),
        LocalConsensusDriver.lightSet(b.validators()),
        LocalConsensusDriver.lightSet(b.nextValidators()));
  }

  @Test
  void fourWeightedValidatorsFinaliseBlocksWhoseCommitsVerify() throws Exception {
    start(List.of(10L, 20L, 30L, 40L), i -> KvStoreApp.Mode.HONEST);
    LocalConsensusDriver d = net.driver();
    ProposerPriorities expected = d.validatorsAt(1).orElseThrow();
    for (int h = 1; h <= 12; h++) {
      assertThat(d.submitTx(("k" + h + "=v" + h).getBytes(StandardCharsets.UTF_8)).getCode())
          .isZero();
      StoredBlock b = step();
      assertThat(b.height()).isEqualTo(h);
      assertThat(b.txs()).containsExactly(ByteString.copyFromUtf8("k" + h + "=v" + h));
      // The proposer is CometBFT's weighted rotation (no validator updates: increment once a
      // height).
      assertThat(b.header().getProposerAddress().toByteArray())
          .isEqualTo(expected.proposer().address());
      expected = expected.increment(1);
      // The commit carries > 2/3 of the set's power, checked by the light client's CommitVerifier.
      Instant now = Instant.now();
      Result root =
          LightVerifier.verifyTrustRoot(light(h), HeaderHash.of(b.header()), OPTIONS, now);
      assertThat(root.verdict()).as(root.reason()).isEqualTo(Verdict.SUCCESS);
      if (h > 1) {
        Result adjacent = LightVerifier.verify(light(h - 1), light(h), OPTIONS, now);
        assertThat(adjacent.verdict()).as(adjacent.reason()).isEqualTo(Verdict.SUCCESS);
        assertThat(b.header().getLastBlockId()).isEqualTo(d.block(h - 1).orElseThrow().blockId());
      }
      for (var sig : b.commit().getSignaturesList()) {
        assertThat(sig.getBlockIdFlag()).isEqualTo(BlockIDFlag.BLOCK_ID_FLAG_COMMIT);
      }
    }
    // Every app reached the same state; the header of H+1 carries the app hash after H.
    for (KvStoreApp app : apps) {
      assertThat(app.disk().height).isEqualTo(12);
      assertThat(app.disk().appHash).isEqualTo(apps[0].disk().appHash);
    }
    assertThat(d.block(12).orElseThrow().header().getAppHash().toByteArray())
        .isEqualTo(hashAfter(11));
    var q = d.query(RequestQuery.newBuilder().setData(ByteString.copyFromUtf8("k7")).build());
    assertThat(q.getValue().toStringUtf8()).isEqualTo("v7");
  }

  @Test
  void aDoubleSignedPrecommitIsDeliveredAsDuplicateVoteMisbehaviourInTheNextBlock()
      throws Exception {
    start(List.of(10L, 20L, 30L, 40L), i -> KvStoreApp.Mode.HONEST);
    LocalConsensusDriver d = net.driver();
    step();
    assertThatThrownBy(() -> d.doubleSignNextPrecommit("nobody"))
        .hasMessageContaining("no validator named 'nobody'");
    d.doubleSignNextPrecommit(new String("validator-2")); // another instance of the name
    StoredBlock b2 = step();
    assertThat(d.pendingEvidence())
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.getType())
                  .isEqualTo(io.cvmavs.consensus.proto.abci.MisbehaviorType.DUPLICATE_VOTE);
              assertThat(m.getValidator().getAddress().toByteArray())
                  .isEqualTo(net.key(2).address());
              assertThat(m.getValidator().getPower()).isEqualTo(30);
              assertThat(m.getHeight()).isEqualTo(2);
              assertThat(m.getTime()).isEqualTo(b2.header().getTime());
              assertThat(m.getTotalVotingPower()).isEqualTo(100);
            });
    // Height 2 itself was finalised without it (evidence goes into a later block).
    assertThat(apps[0].finalized.get(1).getMisbehaviorCount()).isZero();
    step();
    for (KvStoreApp app : apps) {
      assertThat(app.finalized.get(2).getMisbehaviorList())
          .singleElement()
          .satisfies(m -> assertThat(m.getHeight()).isEqualTo(2));
    }
    assertThat(d.pendingEvidence()).isEmpty();
    step();
    assertThat(apps[0].finalized.get(3).getMisbehaviorCount()).as("delivered once").isZero();
  }

  private byte[] hashAfter(long height) {
    return net.driver().block(height).orElseThrow().finalizeResponse().getAppHash().toByteArray();
  }

  @Test
  void requestsReachEachAppInAbciPlusPlusOrder() throws Exception {
    start(List.of(10L, 10L, 10L, 10L), i -> KvStoreApp.Mode.HONEST);
    LocalConsensusDriver d = net.driver();
    for (int h = 1; h <= 5; h++) {
      d.submitTx(("a" + h + "=b").getBytes(StandardCharsets.UTF_8));
      step();
    }
    for (int i = 0; i < 4; i++) {
      List<String> calls = apps[i].calls;
      assertThat(calls.subList(0, 2)).containsExactly("Info", "InitChain");
      List<String> consensus = apps[i].consensusCalls();
      List<String> expected = new ArrayList<>(List.of("InitChain"));
      for (int h = 1; h <= 5; h++) {
        StoredBlock b = d.block(h).orElseThrow();
        if (Arrays.equals(b.header().getProposerAddress().toByteArray(), net.key(i).address())) {
          expected.add("PrepareProposal@" + h);
        }
        expected.add("ProcessProposal@" + h);
        expected.add("ExtendVote@" + h);
        for (int k = 0; k < 3; k++) {
          expected.add("VerifyVoteExtension@" + h);
        }
        expected.add("FinalizeBlock@" + h);
        expected.add("Commit@" + h);
      }
      assertThat(consensus).as("app %d", i).isEqualTo(expected);
    }
    // PrepareProposal at H > 1 carries H-1's vote extensions (local_last_commit), FinalizeBlock
    // carries H-1's votes (decided_last_commit).
    for (KvStoreApp app : apps) {
      for (RequestPrepareProposal p : app.prepares) {
        if (p.getHeight() == 1) {
          assertThat(p.getLocalLastCommit().getVotesCount()).isZero();
          continue;
        }
        ByteString previous = d.block(p.getHeight() - 1).orElseThrow().blockId().getHash();
        assertThat(p.getLocalLastCommit().getVotesList()).hasSize(4);
        for (ExtendedVoteInfo v : p.getLocalLastCommit().getVotesList()) {
          assertThat(KvStoreApp.carriesExtension(v, p.getHeight() - 1, previous)).isTrue();
          assertThat(v.getExtensionSignature().size()).isEqualTo(64);
        }
      }
      for (var f : app.finalized) {
        assertThat(f.getDecidedLastCommit().getVotesCount()).isEqualTo(f.getHeight() == 1 ? 0 : 4);
      }
    }
  }

  @Test
  void aRejectedProposalLeadsToANewRoundWithTheNextProposer() throws Exception {
    start(
        List.of(10L, 10L, 10L, 10L),
        i -> i == 2 ? KvStoreApp.Mode.BYZANTINE_PROPOSER : KvStoreApp.Mode.HONEST);
    LocalConsensusDriver d = net.driver();
    byte[] byzantine = net.key(2).address();
    for (int h = 1; h <= 8; h++) {
      ProposerPriorities set = d.validatorsAt(h).orElseThrow();
      StoredBlock b = step();
      if (Arrays.equals(set.proposer().address(), byzantine)) {
        List<RoundRecord> forH = d.rounds().stream().filter(r -> r.height() == b.height()).toList();
        assertThat(forH).hasSize(2);
        assertThat(forH.get(0).outcome()).isEqualTo(RoundRecord.Outcome.REJECTED);
        assertThat(forH.get(1).outcome()).isEqualTo(RoundRecord.Outcome.COMMITTED);
        assertThat(b.commit().getRound()).isEqualTo(1);
        assertThat(b.header().getProposerAddress().toByteArray())
            .isEqualTo(set.increment(1).proposer().address());
        assertThat(b.txs()).noneMatch(tx -> tx.toStringUtf8().equals("!bogus"));
      } else {
        assertThat(b.commit().getRound()).isZero();
      }
    }
    assertThat(d.rounds()).filteredOn(r -> r.outcome() == RoundRecord.Outcome.REJECTED).hasSize(2);
    Result root =
        LightVerifier.verifyTrustRoot(
            light(8), HeaderHash.of(light(8).signedHeader().header()), OPTIONS, Instant.now());
    assertThat(root.verdict()).isEqualTo(Verdict.SUCCESS);
  }

  @Test
  void aKilledValidatorRestartsEmptyAndCatchesUpByReplay() throws Exception {
    start(List.of(10L, 10L, 10L, 10L), i -> KvStoreApp.Mode.HONEST);
    LocalConsensusDriver d = net.driver();
    for (int h = 1; h <= 3; h++) {
      d.submitTx(("x" + h + "=" + h).getBytes(StandardCharsets.UTF_8));
      step();
    }
    net.kill(1);
    for (int h = 4; h <= 8; h++) {
      d.submitTx(("x" + h + "=" + h).getBytes(StandardCharsets.UTF_8));
      // 3 of 4 equal validators (75 % > 2/3) still decide; a round led by the dead one times out.
      step();
    }
    assertThat(d.isUp(1)).isFalse();
    StoredBlock afterKill = d.block(6).orElseThrow();
    int absentAt = indexOf(afterKill.validators(), net.key(1).address());
    assertThat(afterKill.commit().getSignatures(absentAt).getBlockIdFlag())
        .isEqualTo(BlockIDFlag.BLOCK_ID_FLAG_ABSENT);
    assertThat(d.rounds()).anyMatch(r -> r.outcome() == RoundRecord.Outcome.PROPOSER_UNAVAILABLE);

    disks[1] = new KvStoreApp.Disk(); // its data is lost too: InitChain + replay of every block
    net.restart(1);
    StoredBlock b9 = step();
    assertThat(d.isUp(1)).isTrue();
    assertThat(apps[1].calls).startsWith("Info", "InitChain");
    assertThat(apps[1].disk().height).isEqualTo(9);
    assertThat(apps[1].disk().appHash).isEqualTo(apps[0].disk().appHash);
    assertThat(
            b9.commit()
                .getSignatures(indexOf(b9.validators(), net.key(1).address()))
                .getBlockIdFlag())
        .isEqualTo(BlockIDFlag.BLOCK_ID_FLAG_COMMIT);
  }

  @Test
  void pendingTransactionsFollowTheMempoolToTheNextNodeWhenTheCheckingNodeDies() throws Exception {
    start(List.of(10L, 10L, 10L, 10L), i -> KvStoreApp.Mode.HONEST);
    LocalConsensusDriver d = net.driver();
    assertThat(d.submitTx("a=1".getBytes(StandardCharsets.UTF_8)).getCode()).isZero();
    assertThat(apps[0].calls).contains("CheckTx");
    assertThat(apps[1].calls).doesNotContain("CheckTx");
    net.kill(0);
    // Node 1 now checks for the network: it first checks the pending "a=1" (as gossip would have
    // brought it), then the new one; a sender's next transaction is judged after its earlier ones.
    assertThat(d.submitTx("b=2".getBytes(StandardCharsets.UTF_8)).getCode()).isZero();
    assertThat(apps[1].calls.stream().filter("CheckTx"::equals)).hasSize(2);
    StoredBlock b = step();
    assertThat(b.txs())
        .containsExactly(ByteString.copyFromUtf8("a=1"), ByteString.copyFromUtf8("b=2"));
    assertThat(d.mempoolSize()).isZero();
  }

  @Test
  void aValidatorRestartingWithItsDataReplaysOnlyWhatItMissed() throws Exception {
    start(List.of(10L, 10L, 10L, 10L), i -> KvStoreApp.Mode.HONEST);
    LocalConsensusDriver d = net.driver();
    step();
    step();
    net.kill(3);
    step();
    step();
    step();
    net.restart(3); // same Disk: Info says height 2
    step();
    assertThat(apps[3].calls).startsWith("Info");
    assertThat(apps[3].calls).doesNotContain("InitChain");
    assertThat(apps[3].consensusCalls())
        .startsWith(
            "FinalizeBlock@3",
            "Commit@3",
            "FinalizeBlock@4",
            "Commit@4",
            "FinalizeBlock@5",
            "Commit@5");
    assertThat(apps[3].disk().appHash).isEqualTo(apps[0].disk().appHash);
    assertThat(apps[3].disk().height).isEqualTo(6);
  }

  @Test
  void validatorUpdatesTakeEffectAtHPlus2() throws Exception {
    // Node 4 follows the chain with power 0 until a transaction makes it a validator.
    start(List.of(10L, 10L, 10L, 10L, 0L), i -> KvStoreApp.Mode.HONEST);
    LocalConsensusDriver d = net.driver();
    step();
    step();
    String pk = HexFormat.of().formatHex(net.key(4).publicKey());
    d.submitTx(("val:" + pk + ":25").getBytes(StandardCharsets.UTF_8));
    StoredBlock h3 = step();
    assertThat(h3.finalizeResponse().getValidatorUpdatesCount()).isEqualTo(1);
    long h = h3.height();
    byte[] newcomer = net.key(4).address();
    assertThat(indexOf(h3.nextValidators(), newcomer)).isNegative(); // H+1 unchanged
    StoredBlock h4 = step();
    assertThat(indexOf(h4.validators(), newcomer)).isNegative();
    assertThat(indexOf(h4.nextValidators(), newcomer)).isNotNegative(); // header H+1 announces it
    StoredBlock h5 = step();
    assertThat(h5.height()).isEqualTo(h + 2);
    int at = indexOf(h5.validators(), newcomer);
    assertThat(at).isNotNegative();
    assertThat(h5.validators().totalPower()).isEqualTo(65);
    assertThat(h5.commit().getSignatures(at).getBlockIdFlag())
        .isEqualTo(BlockIDFlag.BLOCK_ID_FLAG_COMMIT);
    // The light client follows the change across H+1 -> H+2 (adjacent: next_validators_hash).
    Result r = LightVerifier.verify(light(h + 1), light(h + 2), OPTIONS, Instant.now());
    assertThat(r.verdict()).as(r.reason()).isEqualTo(Verdict.SUCCESS);
    // The new set (with its -1.125 × total starting priority) rotates as CometBFT's would.
    ProposerPriorities set = d.validatorsAt(h + 3).orElseThrow();
    StoredBlock h6 = step();
    assertThat(h6.header().getProposerAddress().toByteArray()).isEqualTo(set.proposer().address());
  }

  @Test
  void aBadVoteExtensionIsDroppedAndTheChainGoesOn() throws Exception {
    start(
        List.of(10L, 10L, 10L, 10L),
        i -> i == 0 ? KvStoreApp.Mode.BAD_EXTENSION : KvStoreApp.Mode.HONEST);
    LocalConsensusDriver d = net.driver();
    StoredBlock b = step();
    int bad = indexOf(b.validators(), net.key(0).address());
    assertThat(b.commit().getSignatures(bad).getBlockIdFlag())
        .isEqualTo(BlockIDFlag.BLOCK_ID_FLAG_ABSENT);
    StoredBlock b2 = step();
    // The next proposer sees only the three valid extensions.
    for (KvStoreApp app : apps) {
      for (RequestPrepareProposal p : app.prepares) {
        if (p.getHeight() == 2) {
          assertThat(p.getLocalLastCommit().getVotesList())
              .filteredOn(v -> v.getBlockIdFlag() == BlockIDFlag.BLOCK_ID_FLAG_COMMIT)
              .hasSize(3);
        }
      }
    }
    assertThat(b2.height()).isEqualTo(2);
  }

  @Test
  void aProposerThatDoesNotAnswerInTimeIsSkippedAndRejoins() throws Exception {
    start(
        List.of(10L, 10L, 10L, 10L),
        i -> i == 1 ? KvStoreApp.Mode.HANGS_ONCE_IN_PREPARE : KvStoreApp.Mode.HONEST,
        Duration.ofMillis(1500),
        null);
    LocalConsensusDriver d = net.driver();
    byte[] slow = net.key(1).address();
    long skippedAt = -1;
    for (int h = 1; h <= 6; h++) {
      ProposerPriorities set = d.validatorsAt(h).orElseThrow();
      StoredBlock b = step();
      if (skippedAt < 0 && Arrays.equals(set.proposer().address(), slow)) {
        skippedAt = h;
        assertThat(d.rounds())
            .filteredOn(r -> r.height() == b.height())
            .extracting(RoundRecord::outcome)
            .containsExactly(
                RoundRecord.Outcome.PROPOSER_UNAVAILABLE, RoundRecord.Outcome.COMMITTED);
        assertThat(b.header().getProposerAddress().toByteArray())
            .isEqualTo(set.increment(1).proposer().address());
      }
    }
    assertThat(skippedAt).isPositive();
    // Once its 4 s sleep ends, the handshake (which also times out while the app is stuck)
    // reconnects it, and it signs again.
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              StoredBlock b = step();
              return b.commit().getSignatures(indexOf(b.validators(), slow)).getBlockIdFlag()
                  == BlockIDFlag.BLOCK_ID_FLAG_COMMIT;
            });
    assertThat(apps[1].disk().height).isEqualTo(d.latestHeight());
    assertThat(apps[1].disk().appHash).isEqualTo(apps[0].disk().appHash);
  }

  @Test
  void runsInTheBackgroundAtTheBlockIntervalWhileAValidatorIsKilledAndRestarted() throws Exception {
    start(
        List.of(10L, 10L, 10L, 10L),
        i -> KvStoreApp.Mode.HONEST,
        Duration.ofSeconds(5),
        Duration.ofMillis(20));
    LocalConsensusDriver d = net.driver();
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> d.latestHeight() >= 5);
    net.kill(0);
    long killedAt = d.latestHeight();
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> d.latestHeight() >= killedAt + 5);
    net.restart(0);
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> d.isUp(0));
    long h = d.latestHeight();
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> d.latestHeight() >= h + 3);
    net.close();
    assertThat(apps[0].disk().height).isEqualTo(apps[1].disk().height);
    assertThat(apps[0].disk().appHash).isEqualTo(apps[1].disk().appHash);
  }

  @Test
  void aCommitThatFailsIsRecoveredByHandshakeReplayToTheSameAppHash() throws Exception {
    start(
        List.of(10L, 10L, 10L, 10L),
        i -> i == 2 ? KvStoreApp.Mode.FAILS_ONCE_IN_COMMIT : KvStoreApp.Mode.HONEST);
    LocalConsensusDriver d = net.driver();
    for (int h = 1; h <= 3; h++) {
      d.submitTx(("c" + h + "=" + h).getBytes(StandardCharsets.UTF_8));
      step();
    }
    assertThat(d.isUp(2)).isFalse();
    assertThat(d.downReason(2)).contains("simulated crash");
    assertThat(apps[2].disk().height).isEqualTo(2);
    step(); // the same app object, still listening: Info says 2, height 3 is replayed
    assertThat(d.isUp(2)).isTrue();
    assertThat(apps[2].consensusCalls())
        .containsSubsequence(
            "FinalizeBlock@3", "Commit@3", "FinalizeBlock@3", "Commit@3", "ProcessProposal@4");
    assertThat(apps[2].disk().height).isEqualTo(4);
    assertThat(apps[2].disk().appHash).isEqualTo(apps[0].disk().appHash);
  }

  static int indexOf(ProposerPriorities set, byte[] address) {
    for (int i = 0; i < set.entries().size(); i++) {
      if (Arrays.equals(set.entries().get(i).address(), address)) {
        return i;
      }
    }
    return -1;
  }
}
