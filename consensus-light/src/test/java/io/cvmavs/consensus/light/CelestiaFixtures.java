package io.cvmavs.consensus.light;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.consensus.TestData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Real RPC answers of Celestia's mocha-4 testnet in ../shared/testdata/cometbft/celestia-mocha-4:
 * for each height the signed header ({@code commit.json}, else {@code signed_block.json}) and the
 * validator set ({@code validators_1.json}, else {@code signed_block.json}'s {@code
 * validator_set}).
 */
final class CelestiaFixtures {
  static final ObjectMapper JSON = new ObjectMapper();

  private CelestiaFixtures() {}

  /** Heights with a signed header and its validator set, ascending. */
  static List<Long> heights() {
    TreeMap<Long, Boolean> heights = new TreeMap<>();
    try (Stream<Path> dirs = Files.list(dir())) {
      dirs.forEach(
          d -> {
            if (Files.exists(d.resolve("commit.json"))
                    && Files.exists(d.resolve("validators_1.json"))
                || Files.exists(d.resolve("signed_block.json"))) {
              heights.put(Long.parseLong(d.getFileName().toString()), true);
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return List.copyOf(heights.keySet());
  }

  static Path dir() {
    return TestData.cometbft("celestia-mocha-4");
  }

  static JsonNode read(long height, String file) {
    try {
      return JSON.readTree(dir().resolve(Long.toString(height)).resolve(file).toFile())
          .get("result");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode signedHeader(long height) {
    if (Files.exists(dir().resolve(Long.toString(height)).resolve("commit.json"))) {
      return read(height, "commit.json").get("signed_header");
    }
    JsonNode block = read(height, "signed_block.json");
    ObjectNode sh = JSON.createObjectNode();
    sh.set("header", block.get("header"));
    sh.set("commit", block.get("commit"));
    return sh;
  }

  static JsonNode validators(long height) {
    if (Files.exists(dir().resolve(Long.toString(height)).resolve("validators_1.json"))) {
      return read(height, "validators_1.json");
    }
    return read(height, "signed_block.json").get("validator_set");
  }

  /**
   * A light-block file as {@code cvm-avs light verify} reads it (deep copies: tests may tamper with
   * them).
   */
  static ObjectNode lightBlockFile(long height, boolean withNext) {
    ObjectNode file = JSON.createObjectNode();
    file.set("signed_header", signedHeader(height).deepCopy());
    file.set("validator_set", validators(height).deepCopy());
    if (withNext) {
      file.set("next_validator_set", validators(height + 1).deepCopy());
    }
    return file;
  }
}
