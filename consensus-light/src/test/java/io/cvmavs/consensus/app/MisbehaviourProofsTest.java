package io.cvmavs.consensus.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.cvmavs.consensus.app.state.AppState;
import io.cvmavs.consensus.proto.abci.Misbehavior;
import io.cvmavs.consensus.proto.abci.MisbehaviorType;
import io.cvmavs.consensus.proto.abci.RequestQuery;
import io.cvmavs.consensus.proto.abci.Validator;
import io.cvmavs.cvm.proof.Keccak;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The misbehaviour proof the app builds: FinalizeBlock's records and hash chain, the proof of leaf
 * 13 against the app hash a certified checkpoint carries, and the {@code /misbehaviour} query.
 */
class MisbehaviourProofsTest {
  private static final HexFormat HEX = HexFormat.of();

  @TempDir Path dir;

  @Test
  void siblingsOfEveryLeafLeadToTheAppHashIn16And32LeafTrees() throws Exception {
    try (TestChain chain = new TestChain(dir.resolve("chain"), 4, 10, null, 10)) {
      chain.step();
      AppState s = chain.nodes.get(0).app.state().copy();
      s.misbehaviourCount = 3;
      s.misbehaviourRoot = Keccak.hash("root".getBytes());
      for (boolean db3 : new boolean[] {false, true}) {
        s.chainbasedbRoot = db3 ? Keccak.hash("db3".getBytes()) : new byte[32];
        byte[] appHash = s.computeAppHash();
        List<byte[]> leaves = s.appHashLeaves();
        assertThat(leaves).hasSize(db3 ? 32 : 16);
        for (int i = 0; i < leaves.size(); i++) {
          List<byte[]> sib = s.appHashSiblings(i);
          assertThat(sib).hasSize(db3 ? 5 : 4);
          assertThat(AppState.appHashFromProof(leaves.get(i), i, sib)).isEqualTo(appHash);
        }
        List<byte[]> sib = s.appHashSiblings(MisbehaviourProofs.LEAF_INDEX);
        assertThat(
                AppState.appHashFromProof(
                    AppState.misbehaviourLeaf(3, s.misbehaviourRoot), 13, sib))
            .isEqualTo(appHash);
        // Another count does not verify.
        assertThat(
                AppState.appHashFromProof(
                    AppState.misbehaviourLeaf(4, s.misbehaviourRoot), 13, sib))
            .isNotEqualTo(appHash);
      }
    }
  }

  @Test
  void aDuplicateVoteIsRecordedAndProvableAgainstTheNextCheckpoint() throws Exception {
    try (TestChain chain = new TestChain(dir.resolve("chain"), 4, 10, null, 10)) {
      chain.step();
      chain.step();
      TestChain.Node culprit = chain.nodes.get(2);
      chain.nextMisbehaviour.add(duplicateVote(culprit.address(), 1));
      byte[] stranger = new byte[20];
      stranger[0] = 7;
      chain.nextMisbehaviour.add(duplicateVote(stranger, 2));
      byte[] appHashOfM = chain.step().appHash();
      long m = chain.height(); // the height that recorded them
      chain.step(); // m + 1: its checkpoint signs the state of m
      chain.step(); // m + 2: carries the certificate of m + 1
      CvmChainApp app = chain.nodes.get(1).app;

      JsonNode r = TestChain.query(app, "/misbehaviour/0/" + (m + 1));
      assertThat(r.get("count").asLong()).isEqualTo(2);
      assertThat(r.get("leaf_index").asInt()).isEqualTo(13);
      List<byte[]> siblings = new ArrayList<>();
      r.get("siblings").forEach(x -> siblings.add(bytes(x)));
      assertThat(siblings).hasSize(4);
      byte[] root = bytes(r.get("root"));
      assertThat(AppState.appHashFromProof(AppState.misbehaviourLeaf(2, root), 13, siblings))
          .isEqualTo(bytes(r.get("checkpoint").get("app_hash")))
          .isEqualTo(appHashOfM);
      JsonNode recs = r.get("records");
      assertThat(recs).hasSize(2);
      assertThat(recs.get(0).get("type").asInt()).isEqualTo(1);
      assertThat(recs.get(0).get("height").asLong()).isEqualTo(1);
      assertThat(recs.get(0).get("consensus_key").asText())
          .isEqualTo("0x" + HEX.formatHex(culprit.edPublic));
      assertThat(recs.get(1).get("consensus_key").isNull()).isTrue();
      byte[] word = new byte[32];
      System.arraycopy(culprit.address(), 0, word, 0, 20);
      assertThat(bytes(recs.get(0).get("validator"))).isEqualTo(word);
      // The chain re-hashed here (as the contract does) reaches the certified root.
      byte[] chained = new byte[32];
      for (JsonNode rec : recs) {
        byte[] h =
            Keccak.hash(
                io.cvmavs.consensus.app.model.AbiWords.of()
                    .uint(rec.get("type").asLong())
                    .bytes32(bytes(rec.get("validator")))
                    .uint(rec.get("height").asLong())
                    .uint(rec.get("time").asLong())
                    .uint(rec.get("total_voting_power").asLong())
                    .bytes());
        assertThat(h).isEqualTo(bytes(rec.get("hash")));
        chained = MisbehaviourProofs.chain(chained, h);
      }
      assertThat(chained).isEqualTo(root);
      assertThat(TestChain.query(app, "/misbehaviour/1/" + (m + 1)).get("records")).hasSize(1);

      // The checkpoint of m signs the state of m - 1, which holds no misbehaviour.
      assertThat(error(app, "/misbehaviour/0/" + m)).contains("holds no misbehaviour");
      assertThat(error(app, "/misbehaviour/0/" + (m + 5))).contains("no certificate of height");
      assertThat(error(app, "/misbehaviour/3/" + (m + 1))).contains("past the 2 records");
      assertThat(error(app, "/misbehaviour/x/1")).contains("from 'x' is not a number");
    }
  }

  private static Misbehavior duplicateVote(byte[] address, long height) {
    return Misbehavior.newBuilder()
        .setType(MisbehaviorType.DUPLICATE_VOTE)
        .setValidator(
            Validator.newBuilder().setAddress(ByteString.copyFrom(address)).setPower(10).build())
        .setHeight(height)
        .setTime(Timestamp.newBuilder().setSeconds(1_700_000_000L + height))
        .setTotalVotingPower(40)
        .build();
  }

  private static String error(CvmChainApp app, String path) {
    var r = app.query(RequestQuery.newBuilder().setPath(path).build());
    assertThat(r.getCode()).as(path).isEqualTo(1);
    return r.getLog();
  }

  private static byte[] bytes(JsonNode hex) {
    return HEX.parseHex(hex.asText().substring(2));
  }
}
