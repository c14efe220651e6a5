package io.cvmavs.storage.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.cvmavs.storage.NodeScript;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Our data_root, chunk boundaries and data_paths against arweave-js ({@code arweave} npm, run by
 * {@code src/test/node/arweave-merkle.cjs}) on sizes around every chunking rule.
 */
class ArweaveMerkleTest {
  static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(
      ints = {
        1,
        262_144,
        262_145,
        262_144 + 32_767,
        262_144 + 32_768,
        600_000,
        3 * 262_144 + 5,
        5 * 262_144 + 1000
      })
  void agreesWithArweaveJs(int size) throws Exception {
    byte[] data = new byte[size];
    new SplittableRandom(size).nextBytes(data);
    Path file = dir.resolve("data.bin");
    Files.write(file, data);
    JsonNode js = NodeScript.run("arweave-merkle.cjs", file.toString());

    ArweaveMerkle ours = ArweaveMerkle.of(data);
    assertThat(B64.encodeToString(ours.root())).isEqualTo(js.get("dataRoot").asText());
    List<ArweaveMerkle.Chunk> chunks = ours.chunks();
    assertThat(chunks).hasSize(js.get("chunks").size());
    for (int i = 0; i < chunks.size(); i++) {
      assertThat(chunks.get(i).start()).isEqualTo(js.get("chunks").get(i).get(0).asLong());
      assertThat(chunks.get(i).end()).isEqualTo(js.get("chunks").get(i).get(1).asLong());
      JsonNode proof = js.get("proofs").get(i);
      assertThat(proof.get("offset").asLong()).isEqualTo(chunks.get(i).end() - 1);
      byte[] path = ours.dataPath(i);
      assertThat(B64.encodeToString(path)).isEqualTo(proof.get("path").asText());
      assertThat(ArweaveMerkle.verifyPath(ours.root(), path, chunks.get(i).end() - 1, size))
          .isEqualTo(ArweaveMerkle.sha256(data, (int) chunks.get(i).start(), chunks.get(i).size()));
    }
    if (chunks.size() > 1) {
      byte[] wrong = ours.dataPath(0);
      wrong[wrong.length - 40] ^= 1;
      assertThatThrownBy(
              () -> ArweaveMerkle.verifyPath(ours.root(), wrong, chunks.get(0).end() - 1, size))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
