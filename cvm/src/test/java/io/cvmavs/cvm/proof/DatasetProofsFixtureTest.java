package io.cvmavs.cvm.proof;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code src/test/resources/fixtures/dataset-proofs.json} — the vectors the Solidity {@code
 * DatasetProofs} library is tested against — equal to what this Java tree produces. Regenerate
 * after a deliberate change with {@code -Dcvm.fixtures.write=true}.
 */
class DatasetProofsFixtureTest {
  static final Path FIXTURE = Path.of("src/test/resources/fixtures/dataset-proofs.json");

  static String generate() throws IOException {
    HexFormat hex = HexFormat.of();
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = json.createObjectNode();
    root.put(
        "spec",
        "leaf = keccak256(0x00 || record); node = keccak256(0x01 || left || right); split at the largest power of two < n; empty root = keccak256(\"\")");
    root.put("emptyRoot", "0x" + hex.formatHex(DatasetMerkleTree.EMPTY_ROOT));
    ArrayNode trees = root.putArray("trees");
    for (int n : new int[] {1, 2, 3, 4, 5, 7, 8, 9, 16, 17}) {
      List<byte[]> records = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        records.add(
            CanonicalEncoding.encode(
                "0x" + String.format("%064x", i + 1), (long) i, String.valueOf(i * 1000)));
      }
      DatasetMerkleTree tree = DatasetMerkleTree.ofRecords(records);
      ObjectNode t = trees.addObject();
      t.put("leafCount", n);
      t.put("root", "0x" + hex.formatHex(tree.root()));
      ArrayNode leaves = t.putArray("leaves");
      for (int i = 0; i < n; i++) {
        ObjectNode leaf = leaves.addObject();
        leaf.put("leafIndex", i);
        leaf.put("record", "0x" + hex.formatHex(records.get(i)));
        leaf.put("leafHash", "0x" + hex.formatHex(tree.leafHashAt(i)));
        ArrayNode siblings = leaf.putArray("siblings");
        tree.proof(i).siblings().forEach(s -> siblings.add("0x" + hex.formatHex(s)));
      }
    }
    return json.writeValueAsString(root) + "\n";
  }

  @Test
  void committedFixtureMatchesTheJavaTree() throws IOException {
    String generated = generate();
    if (Boolean.getBoolean("cvm.fixtures.write")) {
      Files.writeString(FIXTURE, generated);
    }
    assertThat(Files.readString(FIXTURE)).isEqualTo(generated);
  }
}
