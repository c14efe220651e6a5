package io.cvmavs.consensus.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.cvmavs.chainbasedb.format.BsonDocuments;
import io.cvmavs.chainbasedb.format.DerivedIds;
import io.cvmavs.chainbasedb.format.Identity;
import io.cvmavs.chainbasedb.format.IndexSpec;
import io.cvmavs.chainbasedb.format.Mutation;
import io.cvmavs.chainbasedb.format.Payload;
import io.cvmavs.chainbasedb.signature.MutationSigner;
import io.cvmavs.consensus.app.tx.TxCodec;
import io.cvmavs.consensus.app.tx.TxRefusedException;
import io.cvmavs.consensus.proto.abci.ExecTxResult;
import io.cvmavs.consensus.proto.abci.RequestCommit;
import io.cvmavs.consensus.proto.abci.RequestInfo;
import io.cvmavs.consensus.proto.abci.RequestQuery;
import io.cvmavs.consensus.proto.abci.ResponseCheckTx;
import io.cvmavs.consensus.proto.abci.ResponseFinalizeBlock;
import io.cvmavs.consensus.proto.abci.ResponseProcessProposal.ProposalStatus;
import io.cvmavs.consensus.proto.app.Db3Mutation;
import io.cvmavs.consensus.proto.app.TxEnvelope;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.ECKeyPair;

/**
 * DB3 mutations on the CVM chain (module README, "DB3 mutations"): applied by every validator to
 * its ChainbaseDB with one app hash, refusals in CheckTx and FinalizeBlock with nothing applied, a
 * crash between FinalizeBlock and Commit replayed without applying twice, the {@code /db3} queries.
 */
class Db3AppTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();
  private static final long CHAIN = CvmChainApp.db3ChainId(TestChain.CHAIN_ID);

  @TempDir Path dir;

  private final MutationSigner owner = MutationSigner.eth(ECKeyPair.create(BigInteger.valueOf(7)));
  private final MutationSigner member = MutationSigner.eth(ECKeyPair.create(BigInteger.valueOf(8)));
  private final Identity db = DerivedIds.database(owner.identity(), 1, 0);

  static ByteString tx(Mutation m) {
    return ByteString.copyFrom(
        TxCodec.envelope(
            TxEnvelope.newBuilder()
                .setDb3Mutation(
                    Db3Mutation.newBuilder().setMutation(ByteString.copyFrom(m.encode())))));
  }

  private static byte[] person(String name, int age, String follows, double... emb) {
    BsonDocument d =
        new BsonDocument("name", new BsonString(name)).append("age", new BsonInt32(age));
    d.append("follows", new BsonString(follows));
    BsonArray a = new BsonArray();
    for (double x : emb) {
      a.add(new BsonDouble(x));
    }
    return BsonDocuments.encode(d.append("emb", a));
  }

  /** Create the database (member added), then one group: the collection and three people. */
  private List<Mutation> setup() {
    Mutation create =
        owner.sign(
            CHAIN,
            1,
            new Payload.CreateDatabase("people_db", "test", List.of(member.identity()), List.of()));
    Mutation group =
        owner.sign(
            CHAIN,
            2,
            new Payload.Group(
                List.of(
                    new Payload.CreateCollection(
                        db,
                        "people",
                        List.of(
                            IndexSpec.ordered("by_age", "age"),
                            new IndexSpec(
                                "emb", IndexSpec.Kind.VECTOR_INDEX, List.of("emb"), 3, "l2"),
                            new IndexSpec(
                                "follows",
                                IndexSpec.Kind.GRAPH_INDEX,
                                List.of("name", "follows"),
                                0,
                                ""))),
                    new Payload.AddDocuments(
                        db,
                        "people",
                        List.of(
                            person("alice", 30, "bob", 1, 0, 0),
                            person("bob", 25, "carol", 0, 1, 0),
                            person("carol", 41, "alice", 0, 0, 1))))));
    return List.of(create, group);
  }

  private static JsonNode db3(CvmChainApp app, String query) throws Exception {
    var r =
        app.query(
            RequestQuery.newBuilder()
                .setPath("/db3/query")
                .setData(ByteString.copyFromUtf8(query))
                .build());
    assertThat(r.getCode()).as(r.getLog()).isZero();
    return JSON.readTree(r.getValue().toByteArray());
  }

  @Test
  void theDb3ChainIdIsTheFirstEightBytesOfTheCvmChainId() {
    // cvmChainId of cvm-avs-devnet-1 is pinned in the README's checkpoint vector (0xcbd88f63…).
    assertThat(CvmChainApp.db3ChainId("cvm-avs-devnet-1"))
        .isEqualTo(Long.parseUnsignedLong("cbd88f63fbf399dc", 16))
        .isEqualTo(Long.parseUnsignedLong("14688647844260452828"));
  }

  @Test
  void validatorsApplyDb3MutationsToOneAppHashAndAnswerQueries() throws Exception {
    try (TestChain chain = new TestChain(dir.resolve("chain"), 4, 10, null, 10)) {
      List<TestChain.Outcome> outcomes = new ArrayList<>();
      outcomes.add(chain.step());
      assertThat(
              TestChain.query(chain.nodes.get(0).app, "/state/root")
                  .get("components")
                  .get("chainbasedb")
                  .asText())
          .isEqualTo("0x" + "00".repeat(32));
      List<Mutation> ms = setup();
      for (Mutation m : ms) {
        // nonce 2 passes after nonce 1 in the same CheckTx session
        ResponseCheckTx r = TestChain.checkTx(chain.nodes.get(0).app, tx(m));
        assertThat(r.getCode()).as(r.getLog()).isZero();
        chain.mempool.add(tx(m));
      }
      TestChain.Outcome o = chain.step(); // every validator the same app hash (step asserts it)
      outcomes.add(o);
      assertThat(o.txs().stream().map(t -> TxCodec.decode(t.toByteArray()).getKindCase()))
          .containsExactly(
              TxEnvelope.KindCase.ETHEREUM_FINALITY,
              TxEnvelope.KindCase.CERTIFICATE,
              TxEnvelope.KindCase.DB3_MUTATION,
              TxEnvelope.KindCase.DB3_MUTATION);
      for (ResponseFinalizeBlock r : o.responses()) {
        assertThat(r.getTxResultsList()).extracting(ExecTxResult::getCode).containsOnly(0);
      }
      CvmChainApp app = chain.nodes.get(2).app;
      JsonNode root = TestChain.query(app, "/db3/root");
      assertThat(root.get("empty").asBoolean()).isFalse();
      assertThat(root.get("chain_id").asText()).isEqualTo(Long.toUnsignedString(CHAIN));
      assertThat(TestChain.query(app, "/state/root").get("components").get("chainbasedb").asText())
          .isEqualTo(root.get("state_root").asText())
          .isEqualTo("0x" + HEX.formatHex(app.state().chainbasedbRoot));

      byte[] alice = DerivedIds.document(ms.get(1).signingRoot(), 1, 0);
      String q = "{\"db\":\"" + db + "\",\"collection\":\"people\"";
      JsonNode got =
          db3(
              app,
              "{\"op\":\"get\"," + q.substring(1) + ",\"id\":\"" + HEX.formatHex(alice) + "\"}");
      assertThat(got.get("found").asBoolean()).isTrue();
      assertThat(got.get("document").get("owner").asText()).isEqualTo(owner.identity().toString());
      JsonNode range =
          db3(
              app,
              "{\"op\":\"range\","
                  + q.substring(1)
                  + ",\"index\":\"by_age\",\"low\":{\"values\":[26]}}");
      assertThat(range.get("results")).hasSize(2);
      JsonNode knn =
          db3(
              app,
              "{\"op\":\"knn\","
                  + q.substring(1)
                  + ",\"index\":\"emb\",\"vector\":[0,0.9,0.1],\"k\":1}");
      assertThat(knn.get("results").get(0).get("id").asText())
          .isEqualTo(HEX.formatHex(DerivedIds.document(ms.get(1).signingRoot(), 1, 1)));
      JsonNode edges =
          db3(
              app,
              "{\"op\":\"neighbours\","
                  + q.substring(1)
                  + ",\"index\":\"follows\",\"node\":\"alice\"}");
      assertThat(edges.get("edges").get(0).get("to").asText()).isEqualTo("bob");
      var bad =
          app.query(
              RequestQuery.newBuilder()
                  .setPath("/db3/query")
                  .setData(ByteString.copyFromUtf8("{\"op\":\"get\"}"))
                  .build());
      assertThat(bad.getCode()).isEqualTo(1);
      assertThat(bad.getLog()).startsWith("/db3/query: ").contains("db");

      // A fresh node fed only the decided blocks reaches every app hash.
      try (CvmChainApp other = chain.openWithoutEthereum(dir.resolve("other"))) {
        TestChain.replay(other, outcomes);
        assertThat(TestChain.query(other, "/db3/root").get("state_root"))
            .isEqualTo(root.get("state_root"));
      }
    }
  }

  @Test
  void badSignatureReplayedNonceAndNonOwnerDeleteAreRefusedInCheckTxAndFinalizeBlock()
      throws Exception {
    try (TestChain chain = new TestChain(dir.resolve("chain"), 4, 10, null, 10)) {
      chain.step();
      List<Mutation> ms = setup();
      ms.forEach(m -> chain.mempool.add(tx(m)));
      chain.step();
      byte[] alice = DerivedIds.document(ms.get(1).signingRoot(), 1, 0);

      Mutation good =
          member.sign(CHAIN, 1, new Payload.DeleteDocuments(db, "people", List.of(alice)));
      byte[] sig = good.signature();
      sig[64] = 29; // v must be 27 or 28
      Mutation badSignature = good.withSignature(sig, null);
      Mutation replayed = ms.get(0);
      Mutation notOwner = good;
      List<ByteString> bad = List.of(tx(badSignature), tx(replayed), tx(notOwner));
      int[] codes = {106, 109, 116};
      String[] fields = {
        "db3_mutation.mutation.sender_signature",
        "db3_mutation.mutation.nonce",
        "db3_mutation.mutation.data.ids[0]"
      };
      CvmChainApp app = chain.nodes.get(1).app;
      for (int i = 0; i < bad.size(); i++) {
        ResponseCheckTx r = TestChain.checkTx(app, bad.get(i));
        assertThat(r.getCode()).as(r.getLog()).isEqualTo(codes[i]);
        assertThat(r.getCodespace()).isEqualTo(TxRefusedException.DB3_CODESPACE);
        assertThat(r.getLog()).startsWith(fields[i] + ": ");
      }
      // The proposer leaves them out; a proposal that carries them is rejected.
      long h = chain.height() + 1;
      chain.mempool.addAll(bad);
      List<ByteString> honest =
          chain.nodes.get((int) (h % 4)).app.prepareProposal(chain.prepareRequest(h)).getTxsList();
      chain.mempool.clear();
      assertThat(honest)
          .noneMatch(t -> TxCodec.decode(t.toByteArray()).hasDb3Mutation())
          .isNotEmpty();
      List<ByteString> block = new ArrayList<>(honest);
      int off = block.size();
      block.addAll(bad);
      ByteString hash = TestChain.blockHash(h, block);
      for (TestChain.Node n : chain.nodes) {
        assertThat(TestChain.process(n, h, block, hash)).isEqualTo(ProposalStatus.REJECT);
        assertThat(n.app.lastRejection()).contains("block " + h + " tx " + off + ": " + fields[0]);
      }
      // Decided anyway (FinalizeBlock): each refused with its code, nothing applied.
      JsonNode rootBefore = TestChain.query(app, "/db3/root");
      List<byte[]> hashes = new ArrayList<>();
      for (TestChain.Node n : chain.nodes) {
        ResponseFinalizeBlock r = n.app.finalizeBlock(TestChain.finalizeRequest(h, block, hash));
        n.app.commit(RequestCommit.getDefaultInstance());
        for (int i = 0; i < off; i++) {
          assertThat(r.getTxResults(i).getCode()).isZero();
        }
        for (int i = 0; i < bad.size(); i++) {
          ExecTxResult t = r.getTxResults(off + i);
          assertThat(t.getCode()).isEqualTo(codes[i]);
          assertThat(t.getCodespace()).isEqualTo("db3");
          assertThat(t.getLog())
              .startsWith("block " + h + " tx " + (off + i) + ": " + fields[i] + ": ");
        }
        hashes.add(r.getAppHash().toByteArray());
      }
      assertThat(hashes).allMatch(x -> java.util.Arrays.equals(x, hashes.get(0)));
      JsonNode rootAfter = TestChain.query(app, "/db3/root");
      assertThat(rootAfter.get("state_root")).isEqualTo(rootBefore.get("state_root"));
      assertThat(rootAfter.get("height").asLong()).isEqualTo(h);
      String q =
          "{\"op\":\"get\",\"db\":\""
              + db
              + "\",\"collection\":\"people\",\"id\":\""
              + HEX.formatHex(alice)
              + "\"}";
      assertThat(db3(app, q).get("found").asBoolean()).isTrue();
      // the member's nonce 1 is still free
      assertThat(
              TestChain.checkTx(
                      app,
                      tx(
                          member.sign(
                              CHAIN,
                              1,
                              new Payload.AddDocuments(
                                  db, "people", List.of(person("dave", 3, "alice", 1, 1, 1))))))
                  .getCode())
          .isZero();
    }
  }

  @Test
  void aProposalWithMoreDb3MutationsThanABlockHoldsIsRejectedByEveryValidator() throws Exception {
    try (TestChain chain = new TestChain(dir.resolve("chain"), 4, 10, null, 10)) {
      chain.step();
      long h = chain.height() + 1;
      List<ByteString> block =
          new ArrayList<>(
              chain
                  .nodes
                  .get((int) (h % 4))
                  .app
                  .prepareProposal(chain.prepareRequest(h))
                  .getTxsList());
      int first = block.size();
      ByteString one = tx(setup().get(0));
      for (int i = 0; i <= BlockExecutor.MAX_DB3_MUTATIONS_PER_BLOCK; i++) {
        block.add(one); // the bound is checked before any signature: copies are enough
      }
      ByteString hash = TestChain.blockHash(h, block);
      for (TestChain.Node n : chain.nodes) {
        assertThat(TestChain.process(n, h, block, hash)).isEqualTo(ProposalStatus.REJECT);
        assertThat(n.app.lastRejection())
            .contains(
                "block "
                    + h
                    + " tx "
                    + (first + BlockExecutor.MAX_DB3_MUTATIONS_PER_BLOCK)
                    + ": more than 1000 DB3 mutations in one block");
      }
    }
  }

  @Test
  void aCrashBetweenFinalizeBlockAndCommitReplaysTheDb3BlockWithoutApplyingItTwice()
      throws Exception {
    try (TestChain chain = new TestChain(dir.resolve("chain"), 4, 10, null, 10)) {
      chain.step();
      List<Mutation> ms = setup();
      // nonce 1 is fine; nonce 3 is a gap (refused): the replay must return both results again
      Mutation gap =
          owner.sign(CHAIN, 3, new Payload.CreateDatabase("x", "", List.of(), List.of()));
      List<ByteString> txs = List.of(tx(ms.get(0)), tx(gap));
      long h = chain.height() + 1;
      ByteString hash = TestChain.blockHash(h, txs);
      TestChain.Node crashing = chain.nodes.get(0);
      ResponseFinalizeBlock first =
          crashing.app.finalizeBlock(TestChain.finalizeRequest(h, txs, hash));
      assertThat(first.getTxResults(1).getCode()).isEqualTo(110);
      crashing.app.close(); // dies before Commit: the ChainbaseDB is at h, the app at h - 1
      chain.open(0);
      assertThat(crashing.app.info(RequestInfo.getDefaultInstance()).getLastBlockHeight())
          .isEqualTo(h - 1);
      // The ChainbaseDB holds the decided block h, the app state h - 1: DB3 answers reflect block h
      // and say so in the JSON and in the query response's height.
      var early = crashing.app.query(RequestQuery.newBuilder().setPath("/db3/root").build());
      assertThat(early.getCode()).as(early.getLog()).isZero();
      assertThat(early.getHeight()).isEqualTo(h);
      assertThat(TestChain.query(crashing.app, "/db3/root").get("height").asLong()).isEqualTo(h);
      ResponseFinalizeBlock replayed =
          crashing.app.finalizeBlock(TestChain.finalizeRequest(h, txs, hash));
      crashing.app.commit(RequestCommit.getDefaultInstance());
      assertThat(replayed.getTxResultsList()).isEqualTo(first.getTxResultsList());
      assertThat(replayed.getAppHash()).isEqualTo(first.getAppHash());
      for (TestChain.Node n : chain.nodes.subList(1, 4)) {
        ResponseFinalizeBlock r = n.app.finalizeBlock(TestChain.finalizeRequest(h, txs, hash));
        n.app.commit(RequestCommit.getDefaultInstance());
        assertThat(r.getAppHash()).isEqualTo(first.getAppHash());
        assertThat(r.getTxResultsList()).isEqualTo(first.getTxResultsList());
      }
      // applied once: nonce 1 is used, nonce 2 is next
      assertThat(TestChain.checkTx(crashing.app, tx(ms.get(0))).getCode()).isEqualTo(109);
      assertThat(TestChain.checkTx(crashing.app, tx(ms.get(1))).getCode()).isZero();

      // A different block at the replayed height is refused (the store would diverge).
      List<ByteString> other = List.of(tx(gap));
      long h2 = h + 1;
      crashing.app.finalizeBlock(
          TestChain.finalizeRequest(h2, List.of(), TestChain.blockHash(h2, List.of())));
      crashing.app.close();
      chain.open(0);
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () ->
                  crashing.app.finalizeBlock(
                      TestChain.finalizeRequest(h2, other, TestChain.blockHash(h2, other))))
          .hasMessageContaining("already applied with other mutations");
    }
  }

  @Test
  void noSnapshotOnceDb3DataExistsAndAnEarlierOneRestoresAndReplaysTheDb3Blocks() throws Exception {
    TestChain.snapshotInterval = 2;
    try (TestChain chain = new TestChain(dir.resolve("chain"), 4, 10, null, 10)) {
      List<TestChain.Outcome> outcomes = new ArrayList<>();
      outcomes.add(chain.step());
      outcomes.add(chain.step()); // snapshot of height 2: no DB3 data yet
      setup().forEach(m -> chain.mempool.add(tx(m)));
      outcomes.add(chain.step());
      outcomes.add(chain.step()); // height 4: DB3 data, so no snapshot
      CvmChainApp source = chain.nodes.get(1).app;
      List<io.cvmavs.consensus.proto.abci.Snapshot> listed =
          source
              .listSnapshots(
                  io.cvmavs.consensus.proto.abci.RequestListSnapshots.getDefaultInstance())
              .getSnapshotsList();
      assertThat(listed)
          .extracting(io.cvmavs.consensus.proto.abci.Snapshot::getHeight)
          .containsExactly(2L);
      io.cvmavs.consensus.proto.abci.Snapshot snap = listed.get(0);
      try (CvmChainApp fresh = chain.openWithoutEthereum(dir.resolve("fresh"))) {
        assertThat(
                fresh
                    .offerSnapshot(
                        io.cvmavs.consensus.proto.abci.RequestOfferSnapshot.newBuilder()
                            .setSnapshot(snap)
                            .setAppHash(ByteString.copyFrom(outcomes.get(1).appHash()))
                            .build())
                    .getResult())
            .isEqualTo(io.cvmavs.consensus.proto.abci.ResponseOfferSnapshot.Result.ACCEPT);
        for (int i = 0; i < snap.getChunks(); i++) {
          ByteString chunk =
              source
                  .loadSnapshotChunk(
                      io.cvmavs.consensus.proto.abci.RequestLoadSnapshotChunk.newBuilder()
                          .setHeight(2)
                          .setFormat(snap.getFormat())
                          .setChunk(i)
                          .build())
                  .getChunk();
          assertThat(
                  fresh
                      .applySnapshotChunk(
                          io.cvmavs.consensus.proto.abci.RequestApplySnapshotChunk.newBuilder()
                              .setIndex(i)
                              .setChunk(chunk)
                              .build())
                      .getResult())
              .isEqualTo(io.cvmavs.consensus.proto.abci.ResponseApplySnapshotChunk.Result.ACCEPT);
        }
        // the empty ChainbaseDB starts at height 2; blocks 3 and 4 bring the DB3 data
        assertThat(TestChain.query(fresh, "/db3/root").get("height").asLong()).isEqualTo(2);
        for (int h = 3; h <= 4; h++) {
          List<ByteString> txs = outcomes.get(h - 1).txs();
          ResponseFinalizeBlock r =
              fresh.finalizeBlock(TestChain.finalizeRequest(h, txs, TestChain.blockHash(h, txs)));
          fresh.commit(RequestCommit.getDefaultInstance());
          assertThat(r.getAppHash().toByteArray()).isEqualTo(outcomes.get(h - 1).appHash());
        }
        assertThat(fresh.state().hasDb3Data()).isTrue();
      }
    } finally {
      TestChain.snapshotInterval = 0;
    }
  }
}
