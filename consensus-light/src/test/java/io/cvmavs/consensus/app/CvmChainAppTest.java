package io.cvmavs.consensus.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.cvmavs.consensus.abci.AbciClient;
import io.cvmavs.consensus.abci.AbciServer;
import io.cvmavs.consensus.app.model.AppException;
import io.cvmavs.consensus.app.tx.TxCodec;
import io.cvmavs.consensus.app.tx.TxRefusedException;
import io.cvmavs.consensus.proto.abci.Request;
import io.cvmavs.consensus.proto.abci.RequestApplySnapshotChunk;
import io.cvmavs.consensus.proto.abci.RequestCommit;
import io.cvmavs.consensus.proto.abci.RequestFinalizeBlock;
import io.cvmavs.consensus.proto.abci.RequestInfo;
import io.cvmavs.consensus.proto.abci.RequestListSnapshots;
import io.cvmavs.consensus.proto.abci.RequestLoadSnapshotChunk;
import io.cvmavs.consensus.proto.abci.RequestOfferSnapshot;
import io.cvmavs.consensus.proto.abci.RequestQuery;
import io.cvmavs.consensus.proto.abci.Response;
import io.cvmavs.consensus.proto.abci.ResponseApplySnapshotChunk;
import io.cvmavs.consensus.proto.abci.ResponseCheckTx;
import io.cvmavs.consensus.proto.abci.ResponseFinalizeBlock;
import io.cvmavs.consensus.proto.abci.ResponseOfferSnapshot;
import io.cvmavs.consensus.proto.abci.ResponseProcessProposal.ProposalStatus;
import io.cvmavs.consensus.proto.abci.ResponseVerifyVoteExtension.VerifyStatus;
import io.cvmavs.consensus.proto.abci.Snapshot;
import io.cvmavs.consensus.proto.app.CvmBlockTx;
import io.cvmavs.consensus.proto.app.TxEnvelope;
import io.cvmavs.consensus.proto.app.VoteExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CVM chain application called directly (and once over the real ABCI socket): determinism,
 * crash recovery, CVM block re-execution, vote extensions, malformed transactions.
 */
class CvmChainAppTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private static TxEnvelope decode(ByteString tx) {
    return TxCodec.decode(tx.toByteArray());
  }

  @Test
  void validatorsFinaliseCvmBlocksAndASecondAppFedTheSameBlocksReachesTheSameHashes()
      throws Exception {
    List<TestChain.Outcome> outcomes = new ArrayList<>();
    try (TestChain chain =
        new TestChain(dir.resolve("chain"), 4, 10, new SyntheticEngine(50, 0), 10)) {
      for (int i = 0; i < 6; i++) {
        chain.ethFinal.addAndGet(10);
        outcomes.add(chain.step());
      }
      // Height 1: nothing to certify yet; the nodes' final height (109) is not agreed until height
      // 2.
      assertThat(outcomes.get(0).txs()).isEmpty();
      // Height 2: finality and certificate of height 1, then CVM block 0 (Ethereum 100-109).
      assertThat(outcomes.get(1).txs().stream().map(t -> decode(t).getKindCase()))
          .containsExactly(
              TxEnvelope.KindCase.ETHEREUM_FINALITY,
              TxEnvelope.KindCase.CERTIFICATE,
              TxEnvelope.KindCase.CVM_BLOCK);
      CvmChainApp app = chain.nodes.get(0).app;
      assertThat(app.state().cvmBlocks.count()).isEqualTo(5);
      assertThat(app.state().ethFinalHeight).isEqualTo(149);

      JsonNode block0 = TestChain.query(app, "/cvm/block/0");
      assertThat(block0.get("height").asLong()).isZero();
      assertThat(block0.get("from_block").asLong()).isEqualTo(100);
      assertThat(block0.get("datasets").get(0).get("record_count").asLong()).isEqualTo(50);
      JsonNode cert = TestChain.query(app, "/certificate/5");
      assertThat(cert.get("signer_bitmap").asText()).isEqualTo("0x0f");
      JsonNode root = TestChain.query(app, "/state/root");
      assertThat(root.get("app_hash").asText())
          .isEqualTo("0x" + java.util.HexFormat.of().formatHex(outcomes.get(5).appHash()));
      // every past height's leaves (/state/root/<h>) give that height's app hash
      for (int h = 1; h <= 6; h++) {
        JsonNode past = TestChain.query(app, "/state/root/" + h);
        assertThat(past.get("height").asLong()).isEqualTo(h);
        assertThat(past.get("app_hash").asText())
            .isEqualTo("0x" + java.util.HexFormat.of().formatHex(outcomes.get(h - 1).appHash()));
      }
      assertThat(TestChain.query(app, "/state/root/6").get("components"))
          .isEqualTo(root.get("components"));
      assertThat(app.query(RequestQuery.newBuilder().setPath("/state/root/7").build()).getLog())
          .contains("no app-hash leaves stored for height 7");
      assertThat(TestChain.query(app, "/validators/bls").get("validators")).hasSize(4);
      assertThat(app.query(RequestQuery.newBuilder().setPath("/nope").build()).getLog())
          .contains("unknown query path '/nope'");

      // A fresh app (another validator's process) fed only the decided blocks.
      try (CvmChainApp other = chain.openWithoutEthereum(dir.resolve("other"))) {
        for (ResponseFinalizeBlock r : TestChain.replay(other, outcomes)) {
          assertThat(r.getTxResultsList()).allMatch(t -> t.getCode() == 0);
        }
      }
    }
  }

  @Test
  void aCrashBetweenFinalizeBlockAndCommitReplaysToTheSameAppHash() {
    try (TestChain chain = new TestChain(dir, 4, 10, new SyntheticEngine(20, 0), 10)) {
      for (int i = 0; i < 3; i++) {
        chain.ethFinal.addAndGet(10);
        chain.step();
      }
      long h = chain.height() + 1;
      TestChain.Node proposer = chain.nodes.get((int) (h % 4));
      List<ByteString> txs = proposer.app.prepareProposal(chain.prepareRequest(h)).getTxsList();
      ByteString hash = TestChain.blockHash(h, txs);
      TestChain.Node crashing = chain.nodes.get(0);
      byte[] first =
          crashing
              .app
              .finalizeBlock(TestChain.finalizeRequest(h, txs, hash))
              .getAppHash()
              .toByteArray();
      crashing.app.close(); // the process dies before Commit
      chain.open(0);
      assertThat(crashing.app.info(RequestInfo.getDefaultInstance()).getLastBlockHeight())
          .isEqualTo(h - 1);
      byte[] replayed =
          crashing
              .app
              .finalizeBlock(TestChain.finalizeRequest(h, txs, hash))
              .getAppHash()
              .toByteArray();
      crashing.app.commit(RequestCommit.getDefaultInstance());
      TestChain.Node other = chain.nodes.get(1);
      byte[] honest =
          other
              .app
              .finalizeBlock(TestChain.finalizeRequest(h, txs, hash))
              .getAppHash()
              .toByteArray();
      other.app.commit(RequestCommit.getDefaultInstance());
      assertThat(replayed).isEqualTo(first).isEqualTo(honest);
      assertThat(
              crashing
                  .app
                  .info(RequestInfo.getDefaultInstance())
                  .getLastBlockAppHash()
                  .toByteArray())
          .isEqualTo(honest);
    }
  }

  @Test
  void aWrongCvmBlockIsRejectedInProcessProposal() {
    try (TestChain chain = new TestChain(dir, 4, 10, new SyntheticEngine(30, 0), 10)) {
      chain.ethFinal.addAndGet(10);
      chain.step();
      long h = chain.height() + 1; // height 2, proposer node 2: CVM block 0 is due
      TestChain.Node byzantine = chain.nodes.get((int) (h % 4));
      byzantine.engine = new SyntheticEngine(30, 7); // other records for the same range
      byzantine.app.close();
      chain.open((int) (h % 4)); // reopen its app with the byzantine CVM (same state)
      List<ByteString> txs = byzantine.app.prepareProposal(chain.prepareRequest(h)).getTxsList();
      assertThat(decode(txs.get(txs.size() - 1)).hasCvmBlock()).isTrue();
      ByteString hash = TestChain.blockHash(h, txs);
      assertThat(TestChain.process(byzantine, h, txs, hash)).isEqualTo(ProposalStatus.ACCEPT);
      for (int i = 0; i < 4; i++) {
        if (chain.nodes.get(i) != byzantine) {
          assertThat(TestChain.process(chain.nodes.get(i), h, txs, hash))
              .isEqualTo(ProposalStatus.REJECT);
        }
      }

      // Records that do not hash to the header's root: refused even without re-execution.
      TestChain.Node honest = chain.nodes.get(0);
      List<ByteString> good = honest.app.prepareProposal(chain.prepareRequest(h)).getTxsList();
      TxEnvelope env = decode(good.get(good.size() - 1));
      CvmBlockTx.Builder b = env.getCvmBlock().toBuilder();
      b.setDatasets(
          0, b.getDatasets(0).toBuilder().setRecords(0, ByteString.copyFromUtf8("forged")));
      List<ByteString> forged = new ArrayList<>(good.subList(0, good.size() - 1));
      forged.add(ByteString.copyFrom(TxCodec.envelope(TxEnvelope.newBuilder().setCvmBlock(b))));
      assertThat(TestChain.process(honest, h, forged, TestChain.blockHash(h, forged)))
          .isEqualTo(ProposalStatus.REJECT);
      ResponseFinalizeBlock r =
          honest.app.finalizeBlock(
              TestChain.finalizeRequest(h, forged, TestChain.blockHash(h, forged)));
      assertThat(r.getTxResults(forged.size() - 1).getCode()).isEqualTo(TxRefusedException.INVALID);
      assertThat(r.getTxResults(forged.size() - 1).getLog())
          .contains("datasets[0].root is not the root of its records");

      // A proposal without the previous height's certificate is rejected.
      List<ByteString> bare = List.of(good.get(good.size() - 1));
      assertThat(TestChain.process(honest, h, bare, TestChain.blockHash(h, bare)))
          .isEqualTo(ProposalStatus.REJECT);
    }
  }

  @Test
  void aBadVoteExtensionIsRejected() throws Exception {
    try (TestChain chain = new TestChain(dir, 4, 10, new SyntheticEngine(10, 0), 10)) {
      chain.ethFinal.addAndGet(10);
      chain.step();
      long h = chain.height() + 1;
      TestChain.Node proposer = chain.nodes.get((int) (h % 4));
      List<ByteString> txs = proposer.app.prepareProposal(chain.prepareRequest(h)).getTxsList();
      ByteString hash = TestChain.blockHash(h, txs);
      chain.nodes.forEach(
          n -> assertThat(TestChain.process(n, h, txs, hash)).isEqualTo(ProposalStatus.ACCEPT));
      TestChain.Node a = chain.nodes.get(0);
      TestChain.Node b = chain.nodes.get(1);
      TestChain.Node verifier = chain.nodes.get(2);
      ByteString extA = TestChain.extendVote(a, h, hash, txs);
      ByteString extB = TestChain.extendVote(b, h, hash, txs);
      assertThat(TestChain.verify(verifier, h, hash, a.address(), extA))
          .isEqualTo(VerifyStatus.ACCEPT);
      // b's signature claimed by a
      assertThat(TestChain.verify(verifier, h, hash, a.address(), extB))
          .isEqualTo(VerifyStatus.REJECT);
      // unknown signer
      assertThat(TestChain.verify(verifier, h, hash, new byte[20], extA))
          .isEqualTo(VerifyStatus.REJECT);
      // malformed bytes, unknown version, signature not a curve point
      assertThat(
              TestChain.verify(verifier, h, hash, a.address(), ByteString.copyFromUtf8("garbage")))
          .isEqualTo(VerifyStatus.REJECT);
      VoteExtension parsed = VoteExtension.parseFrom(extA);
      assertThat(
              TestChain.verify(
                  verifier,
                  h,
                  hash,
                  a.address(),
                  parsed.toBuilder().setVersion(2).build().toByteString()))
          .isEqualTo(VerifyStatus.REJECT);
      byte[] notPoint = new byte[64];
      notPoint[63] = 5;
      assertThat(
              TestChain.verify(
                  verifier,
                  h,
                  hash,
                  a.address(),
                  parsed.toBuilder()
                      .setBlsSignature(ByteString.copyFrom(notPoint))
                      .build()
                      .toByteString()))
          .isEqualTo(VerifyStatus.REJECT);
      // a signature over another block's checkpoint
      assertThat(
              TestChain.verify(verifier, h, TestChain.blockHash(h, List.of()), a.address(), extA))
          .isEqualTo(VerifyStatus.REJECT);
    }
  }

  @Test
  void malformedAndUnknownTransactionsAreRefusedWithACodeNamingTheField() {
    try (TestChain chain = new TestChain(dir, 4, 10, new SyntheticEngine(10, 0), 10)) {
      CvmChainApp app = chain.nodes.get(0).app;
      ResponseCheckTx garbage =
          TestChain.checkTx(app, ByteString.copyFrom(new byte[] {(byte) 0xff, 1, 2}));
      assertThat(garbage.getCode()).isEqualTo(TxRefusedException.MALFORMED);
      assertThat(garbage.getLog()).contains("not a cvmavs.app.v1.TxEnvelope");
      ResponseCheckTx v2 =
          TestChain.checkTx(app, TxEnvelope.newBuilder().setVersion(2).build().toByteString());
      assertThat(v2.getCode()).isEqualTo(TxRefusedException.UNKNOWN);
      assertThat(v2.getLog()).contains("tx.version");
      ResponseCheckTx noKind =
          TestChain.checkTx(app, TxEnvelope.newBuilder().setVersion(1).build().toByteString());
      assertThat(noKind.getLog()).contains("tx.kind");
      CvmBlockTx shortParent =
          CvmBlockTx.newBuilder().setParentHash(ByteString.copyFrom(new byte[31])).build();
      ResponseCheckTx bad =
          TestChain.checkTx(
              app,
              ByteString.copyFrom(
                  TxCodec.envelope(TxEnvelope.newBuilder().setCvmBlock(shortParent))));
      assertThat(bad.getCode()).isEqualTo(TxRefusedException.MALFORMED);
      assertThat(bad.getLog()).contains("cvm_block.parent_hash: must be 32 bytes, got 31");

      // In a decided block: the bad transaction gets its code, the block still executes.
      List<ByteString> txs = List.of(ByteString.copyFromUtf8("\u00ff\u00ff"));
      ResponseFinalizeBlock r =
          app.finalizeBlock(TestChain.finalizeRequest(1, txs, TestChain.blockHash(1, txs)));
      assertThat(r.getTxResults(0).getCode()).isEqualTo(TxRefusedException.MALFORMED);
      assertThat(r.getTxResults(0).getLog()).contains("block 1 tx 0");
      assertThat(TestChain.process(chain.nodes.get(1), 1, txs, TestChain.blockHash(1, txs)))
          .isEqualTo(ProposalStatus.REJECT);
      // FinalizeBlock out of order is an error, not a silent skip.
      assertThatThrownBy(
              () -> app.finalizeBlock(TestChain.finalizeRequest(5, List.of(), ByteString.EMPTY)))
          .isInstanceOf(AppException.class)
          .hasMessageContaining("does not follow the committed height 0");
    }
  }

  @Test
  void genesisRefusesUnknownFieldsAndMismatchedValidators() {
    assertThatThrownBy(() -> GenesisState.parse("{\"chain\":\"eth\",\"extra\":1}".getBytes()))
        .hasMessageContaining("app_state.extra: unknown field");
    assertThatThrownBy(() -> GenesisState.parse("[1]".getBytes()))
        .hasMessageContaining("must be a JSON object");
  }

  @Test
  void theAppAnswersOverTheAbciSocket() throws Exception {
    try (TestChain chain = new TestChain(dir, 4, 10, new SyntheticEngine(10, 0), 10)) {
      chain.ethFinal.addAndGet(10);
      chain.step();
      CvmChainApp app = chain.nodes.get(0).app;
      try (AbciServer server = AbciServer.start(app, AbciServer.Settings.loopback(0));
          AbciClient client = AbciClient.connect(server.address())) {
        List<Response> rs =
            client.callAll(
                List.of(
                    Request.newBuilder().setInfo(RequestInfo.getDefaultInstance()).build(),
                    Request.newBuilder()
                        .setQuery(RequestQuery.newBuilder().setPath("/state/root"))
                        .build()));
        assertThat(rs.get(0).getInfo().getLastBlockHeight()).isEqualTo(1);
        assertThat(rs.get(0).getInfo().getLastBlockAppHash().toByteArray())
            .isEqualTo(app.appHash());
        JsonNode root = JSON.readTree(rs.get(1).getQuery().getValue().toByteArray());
        assertThat(root.get("height").asLong()).isEqualTo(1);
        Response fb =
            client.call(
                Request.newBuilder()
                    .setFinalizeBlock(RequestFinalizeBlock.newBuilder().setHeight(2))
                    .build());
        assertThat(fb.getFinalizeBlock().getAppHash().size()).isEqualTo(32);
        client.call(Request.newBuilder().setCommit(RequestCommit.getDefaultInstance()).build());
        assertThat(app.height()).isEqualTo(2);
      }
    }
  }

  @Test
  void aNewNodeRestoresFromCheckedSnapshotChunksAndContinues() throws Exception {
    TestChain.snapshotInterval = 3;
    try (TestChain chain =
        new TestChain(dir.resolve("chain"), 4, 10, new SyntheticEngine(40, 0), 10)) {
      for (int i = 0; i < 6; i++) {
        chain.ethFinal.addAndGet(10);
        chain.step();
      }
      CvmChainApp source = chain.nodes.get(1).app;
      List<Snapshot> listed =
          source.listSnapshots(RequestListSnapshots.getDefaultInstance()).getSnapshotsList();
      assertThat(listed).extracting(Snapshot::getHeight).containsExactly(3L, 6L);
      Snapshot snap = listed.get(1);
      assertThat(snap.getChunks()).isGreaterThan(1);
      byte[] trusted = source.appHash();

      try (CvmChainApp fresh = chain.openWithoutEthereum(dir.resolve("fresh"))) {
        // a snapshot whose metadata does not hash to its hash is refused
        RequestOfferSnapshot.Builder offer =
            RequestOfferSnapshot.newBuilder()
                .setSnapshot(snap.toBuilder().setHash(ByteString.copyFrom(new byte[32])))
                .setAppHash(ByteString.copyFrom(trusted));
        assertThat(fresh.offerSnapshot(offer.build()).getResult())
            .isEqualTo(ResponseOfferSnapshot.Result.REJECT);
        assertThat(fresh.offerSnapshot(offer.setSnapshot(snap).build()).getResult())
            .isEqualTo(ResponseOfferSnapshot.Result.ACCEPT);
        for (int i = 0; i < snap.getChunks(); i++) {
          ByteString chunk =
              source
                  .loadSnapshotChunk(
                      RequestLoadSnapshotChunk.newBuilder()
                          .setHeight(snap.getHeight())
                          .setFormat(snap.getFormat())
                          .setChunk(i)
                          .build())
                  .getChunk();
          if (i == 1) { // a tampered copy from a bad peer first
            ResponseApplySnapshotChunk bad =
                fresh.applySnapshotChunk(
                    RequestApplySnapshotChunk.newBuilder()
                        .setIndex(i)
                        .setChunk(chunk.concat(ByteString.copyFromUtf8("x")))
                        .setSender("peer-bad")
                        .build());
            assertThat(bad.getResult()).isEqualTo(ResponseApplySnapshotChunk.Result.RETRY);
            assertThat(bad.getRefetchChunksList()).containsExactly(1);
            assertThat(bad.getRejectSendersList()).containsExactly("peer-bad");
          }
          ResponseApplySnapshotChunk ok =
              fresh.applySnapshotChunk(
                  RequestApplySnapshotChunk.newBuilder()
                      .setIndex(i)
                      .setChunk(chunk)
                      .setSender("peer-good")
                      .build());
          assertThat(ok.getResult()).isEqualTo(ResponseApplySnapshotChunk.Result.ACCEPT);
        }
        assertThat(fresh.info(RequestInfo.getDefaultInstance()).getLastBlockHeight()).isEqualTo(6);
        assertThat(fresh.appHash()).isEqualTo(trusted);
        assertThat(TestChain.query(fresh, "/cvm/block/0").get("from_block").asLong())
            .isEqualTo(100);

        // it follows the chain from there
        chain.ethFinal.addAndGet(10);
        TestChain.Outcome next = chain.step();
        byte[] h =
            fresh
                .finalizeBlock(
                    TestChain.finalizeRequest(7, next.txs(), TestChain.blockHash(7, next.txs())))
                .getAppHash()
                .toByteArray();
        assertThat(h).isEqualTo(next.appHash());
      }
    } finally {
      TestChain.snapshotInterval = 0;
    }
  }
}
