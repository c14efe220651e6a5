package io.cvmavs.consensus.light;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cvmavs.consensus.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The tendermint-rs light-client vectors generated from the TLA+ light-client model (41 files in
 * ../shared/testdata/cometbft/light-client-model-based): an initial trusted block, then steps each
 * with the verdict the model gives; on SUCCESS the step's block becomes the trusted one. Written by
 * others, so an independent check of the verdicts, the header and validator-set hashes and the
 * signature bytes.
 */
class ModelBasedVectorsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static Stream<Path> vectorFiles() throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.list(TestData.cometbft("light-client-model-based"))) {
      s.filter(p -> p.toString().endsWith(".json")).sorted().forEach(files::add);
    }
    assertThat(files).hasSize(41);
    return files.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectorFiles")
  void everyStepGetsTheModelsVerdict(Path file) throws Exception {
    JsonNode root = JSON.readTree(file.toFile());
    JsonNode initial = root.get("initial");
    LightBlock trusted = LightJson.lightBlock(initial, "initial");
    Duration trustingPeriod =
        Duration.ofNanos(Long.parseLong(initial.get("trusting_period").asText()));
    // The TLA+ model has no clock drift: a header later than "now" is from the future.
    LightVerifier.Options options =
        new LightVerifier.Options(trustingPeriod, Duration.ZERO, TrustLevel.ONE_THIRD);
    JsonNode steps = root.get("input");
    for (int i = 0; i < steps.size(); i++) {
      JsonNode step = steps.get(i);
      LightBlock untrusted = LightJson.lightBlock(step.get("block"), "input[" + i + "].block");
      Instant now = Instant.parse(step.get("now").asText());
      Result result = LightVerifier.verify(trusted, untrusted, options, now);
      assertThat(result.verdict())
          .as(
              "%s step %d (height %d): %s",
              file.getFileName(), i, untrusted.height(), result.reason())
          .isEqualTo(Verdict.valueOf(step.get("verdict").asText()));
      if (result.verdict() == Verdict.SUCCESS) {
        trusted = untrusted;
      }
    }
  }
}
