package io.cvmavs.consensus.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cvmavs.consensus.app.model.AbiWords;
import io.cvmavs.consensus.app.model.AppException;
import io.cvmavs.consensus.app.model.IncrementalMerkleTree;
import io.cvmavs.consensus.proto.abci.RequestQuery;
import io.cvmavs.cvm.proof.Keccak;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /cvm/block-proof/<cvmHeight>/<checkpointHeight>}: the proof of a CVM block against a
 * certified checkpoint's cumulative root, recomputed here from the other queries' fields, and each
 * refusal naming the height; the shortened accumulator proofs against the level-by-level tree.
 */
class CvmBlockProofsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();

  @TempDir Path dir;

  @Test
  void aCvmBlockIsProvenAgainstEveryCertifiedCheckpointThatCoversIt() throws Exception {
    try (TestChain chain = new TestChain(dir, 4, 10, new SyntheticEngine(7, 0), 10)) {
      for (int i = 0; i < 6; i++) { // heights 1..6; CVM block k finalised at height k + 2
        chain.ethFinal.addAndGet(10);
        chain.step();
      }
      CvmChainApp app = chain.nodes.get(0).app;
      assertThat(query(app, "/cvm/block/1").get("finalized_height").asLong()).isEqualTo(3);

      // The checkpoint of 5 signs the accumulator after height 4: CVM blocks 0, 1, 2.
      JsonNode cert = query(app, "/certificate/5");
      for (int h = 0; h < 3; h++) {
        JsonNode p = query(app, "/cvm/block-proof/" + h + "/5");
        JsonNode block = query(app, "/cvm/block/" + h);
        assertThat(p.get("cvm_block_hash").asText()).isEqualTo(block.get("hash").asText());
        assertThat(p.get("dataset_root").asText())
            .as("one dataset: its own root")
            .isEqualTo(block.get("datasets").get(0).get("root").asText());
        assertThat(p.get("accumulator_count").asLong()).isEqualTo(3);
        assertThat(p.get("siblings")).hasSize(2); // 3 leaves: two levels, the rest are empty
        for (String f :
            List.of(
                "height",
                "app_hash",
                "cvm_block_hash",
                "cumulative_root",
                "withdrawals_root",
                "next_validator_set_hash")) {
          assertThat(p.get("checkpoint").get(f)).as(f).isEqualTo(cert.get(f));
        }
        byte[] leaf =
            AbiWords.of()
                .uint(h)
                .bytes32(bytes(block.get("hash")))
                .bytes32(bytes(p.get("dataset_root")))
                .keccak();
        assertThat(p.get("leaf").asText()).isEqualTo(hex(leaf));
        List<byte[]> siblings = new ArrayList<>();
        p.get("siblings").forEach(s -> siblings.add(bytes(s)));
        assertThat(hex(IncrementalMerkleTree.rootFromProof(leaf, h, siblings)))
            .isEqualTo(cert.get("cumulative_root").asText());
        siblings.set(0, Keccak.hash(siblings.get(0)));
        assertThat(hex(IncrementalMerkleTree.rootFromProof(leaf, h, siblings)))
            .as("a changed sibling")
            .isNotEqualTo(cert.get("cumulative_root").asText());
      }
      // The checkpoint of 3 covers CVM block 0 alone: a one-leaf tree needs no sibling.
      JsonNode one = query(app, "/cvm/block-proof/0/3");
      assertThat(one.get("siblings")).isEmpty();
      assertThat(one.get("checkpoint").get("cumulative_root"))
          .isEqualTo(query(app, "/certificate/3").get("cumulative_root"));

      assertThat(refusal(app, "/cvm/block-proof/3/5"))
          .contains("CVM block 3 was finalised at height 5")
          .contains("the checkpoint of height 5 covers CVM blocks finalised up to height 4")
          .contains("the first checkpoint covering it has height 6");
      assertThat(refusal(app, "/cvm/block-proof/0/6")).contains("no certificate of height 6");
      assertThat(refusal(app, "/cvm/block-proof/9/5")).contains("no CVM block at CVM height 9");
      assertThat(refusal(app, "/cvm/block-proof/x/5")).contains("cvmHeight 'x' is not a height");
      assertThat(refusal(app, "/cvm/block-proof/1")).contains("expected /cvm/block-proof/");
    }
  }

  @Test
  void shortenedProofsOfEveryLeafGiveTheDepth32Root() {
    for (int n = 1; n <= 33; n++) {
      List<byte[]> leaves = new ArrayList<>();
      IncrementalMerkleTree tree = new IncrementalMerkleTree();
      for (int i = 0; i < n; i++) {
        byte[] l = Keccak.hash(AbiWords.of().uint(n * 100L + i).bytes());
        leaves.add(l);
        tree.append(l);
      }
      int depth = 32 - Integer.numberOfLeadingZeros(n - 1); // ceil(log2 n)
      for (int i = 0; i < n; i++) {
        List<byte[]> proof = IncrementalMerkleTree.proof(leaves, i);
        assertThat(proof.size()).as("n=%d i=%d", n, i).isLessThanOrEqualTo(depth);
        assertThat(IncrementalMerkleTree.rootFromProof(leaves.get(i), i, proof))
            .isEqualTo(tree.root());
        byte[][] full = new byte[32][];
        IncrementalMerkleTree.rootOf(leaves, i, full);
        assertThat(IncrementalMerkleTree.rootFromProof(leaves.get(i), i, List.of(full)))
            .as("the full 32-sibling proof")
            .isEqualTo(tree.root());
        if (n > 1) {
          assertThat(IncrementalMerkleTree.rootFromProof(leaves.get(i), i ^ 1, proof))
              .as("another index")
              .isNotEqualTo(tree.root());
        }
      }
    }
    assertThatThrownBy(() -> IncrementalMerkleTree.proof(List.of(new byte[32]), 1))
        .isInstanceOf(AppException.class)
        .hasMessageContaining("leaf 1 is not among the 1 leaves");
    List<byte[]> tooLong = new ArrayList<>();
    for (int i = 0; i < 33; i++) {
      tooLong.add(new byte[32]);
    }
    assertThatThrownBy(() -> IncrementalMerkleTree.rootFromProof(new byte[32], 0, tooLong))
        .isInstanceOf(AppException.class)
        .hasMessageContaining("33 siblings");
    assertThatThrownBy(() -> IncrementalMerkleTree.rootFromProof(new byte[32], 1L << 32, List.of()))
        .isInstanceOf(AppException.class)
        .hasMessageContaining("index 4294967296");
  }

  private static JsonNode query(CvmChainApp app, String path) throws Exception {
    var r = app.query(RequestQuery.newBuilder().setPath(path).build());
    assertThat(r.getCode()).as(r.getLog()).isZero();
    return JSON.readTree(r.getValue().toByteArray());
  }

  private static String refusal(CvmChainApp app, String path) {
    var r = app.query(RequestQuery.newBuilder().setPath(path).build());
    assertThat(r.getCode()).as(path).isEqualTo(1);
    return r.getLog();
  }

  private static byte[] bytes(JsonNode hex) {
    return HEX.parseHex(hex.asText().substring(2));
  }

  private static String hex(byte[] b) {
    return "0x" + HEX.formatHex(b);
  }
}
