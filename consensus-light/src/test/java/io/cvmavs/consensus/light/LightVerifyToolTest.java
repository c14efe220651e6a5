package io.cvmavs.consensus.light;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.consensus.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cvm-avs light verify}'s behaviour: files in, one JSON line and an exit code out. */
class LightVerifyToolTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private Path write(String name, JsonNode content) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, content.toString());
    return p;
  }

  private LightVerifyTool.Outcome run(
      Path t, Path u, String period, String now, String level, String drift) {
    return LightVerifyTool.run(new LightVerifyTool.Arguments(t, u, period, now, level, drift));
  }

  @Test
  void celestiaStepsGiveEachExitCode() throws Exception {
    Path trusted = write("t.json", CelestiaFixtures.lightBlockFile(10000, true));
    ObjectNode u = CelestiaFixtures.lightBlockFile(10500, false);
    u.remove("next_validator_set");
    Path untrusted = write("u.json", u);
    String now = "2023-09-07T14:30:00Z";

    LightVerifyTool.Outcome ok = run(trusted, untrusted, "504h0m0s", now, null, null);
    assertThat(ok.exitCode()).isZero();
    JsonNode line = JSON.readTree(ok.line());
    assertThat(line.get("verdict").asText()).isEqualTo("SUCCESS");
    assertThat(line.get("reason").asText()).contains("non-adjacent header 10500");
    assertThat(ok.line()).doesNotContain("\n");

    LightVerifyTool.Outcome expired = run(trusted, untrusted, "1400s", now, null, null);
    assertThat(expired.exitCode()).isEqualTo(4);
    assertThat(JSON.readTree(expired.line()).get("verdict").asText()).isEqualTo("INVALID");
    assertThat(JSON.readTree(expired.line()).get("reason").asText())
        .contains("trusting period 23m20s")
        .doesNotContain("PT");

    Path far = write("far.json", CelestiaFixtures.lightBlockFile(157000, false));
    LightVerifyTool.Outcome notEnough =
        run(trusted, far, "504h0m0s", "2023-09-27T20:26:00+00:00", "1/1", "5s");
    assertThat(notEnough.exitCode()).as(notEnough.line()).isEqualTo(3);
    assertThat(JSON.readTree(notEnough.line()).get("verdict").asText())
        .isEqualTo("NOT_ENOUGH_TRUST");
    // how much of the trusted set signed versus what the trust level needs
    assertThat(JSON.readTree(notEnough.line()).get("reason").asText())
        .containsPattern(
            "holding \\d+ of its \\d+ voting power \\([0-9.]+%\\) signed header 157000")
        .containsPattern("trust level 1/1 needs more than \\d+");

    ObjectNode tampered = CelestiaFixtures.lightBlockFile(10500, false);
    CelestiaTest.flipSignature(tampered, 1);
    LightVerifyTool.Outcome invalid =
        run(trusted, write("bad.json", tampered), "504h0m0s", now, null, null);
    assertThat(invalid.exitCode()).isEqualTo(4);
    assertThat(invalid.line()).contains("does not verify");
  }

  @Test
  void partSetHeaderKeyIsAcceptedLikeParts() throws Exception {
    ObjectNode t = CelestiaFixtures.lightBlockFile(11000, true);
    ObjectNode u = CelestiaFixtures.lightBlockFile(11001, false);
    for (ObjectNode f : List.of(t, u)) {
      for (String path : List.of("header/last_block_id", "commit/block_id")) {
        ObjectNode id = (ObjectNode) f.get("signed_header").at("/" + path);
        id.set("part_set_header", id.remove("parts"));
      }
    }
    LightVerifyTool.Outcome ok =
        run(write("t.json", t), write("u.json", u), "336h0m0s", "2023-09-07T16:00:00Z", null, null);
    assertThat(ok.exitCode()).as(ok.line()).isZero();
  }

  @Test
  void unusableInputExitsWithTwoAndNamesTheProblem() throws Exception {
    Path trusted = write("t.json", CelestiaFixtures.lightBlockFile(10000, true));
    Path untrusted = write("u.json", CelestiaFixtures.lightBlockFile(10001, false));
    String now = "2023-09-07T13:00:00Z";
    record Case(LightVerifyTool.Outcome outcome, String reason) {}
    ObjectNode noNext = CelestiaFixtures.lightBlockFile(10000, false);
    ObjectNode noVals = CelestiaFixtures.lightBlockFile(10001, false);
    noVals.remove("validator_set");
    ObjectNode badHex = CelestiaFixtures.lightBlockFile(10001, false);
    ((ObjectNode) badHex.get("signed_header").get("header")).put("app_hash", "XYZ");
    Files.writeString(dir.resolve("broken.json"), "{\"signed_header\": ");
    List<Case> cases =
        List.of(
            new Case(
                run(dir.resolve("missing.json"), untrusted, "336h", now, null, null),
                "no such file"),
            new Case(run(trusted, dir.resolve("broken.json"), "336h", now, null, null), "not JSON"),
            new Case(run(trusted, untrusted, "two weeks", now, null, null), "not a Go duration"),
            new Case(
                run(trusted, untrusted, "336h", "yesterday", null, null), "not an RFC 3339 time"),
            new Case(run(trusted, untrusted, "336h", now, "1/4", null), "must be within [1/3, 1]"),
            new Case(
                run(trusted, untrusted, "0s", now, null, null),
                "trusting period must be positive, got 0s"),
            new Case(
                run(trusted, untrusted, "336h", now, null, "-1m30s"),
                "max clock drift must not be negative, got -1m30s"),
            new Case(
                run(trusted, untrusted, "336h", now, "one third", null), "not of the form N/D"),
            new Case(
                run(write("nn.json", noNext), untrusted, "336h", now, null, null),
                "next_validator_set: missing"),
            new Case(
                run(trusted, write("nv.json", noVals), "336h", now, null, null),
                "validator_set: missing"),
            new Case(
                run(trusted, write("bh.json", badHex), "336h", now, null, null),
                "at $.signed_header.header.app_hash: 'XYZ' is not hex"));
    for (Case c : cases) {
      assertThat(c.outcome().exitCode()).as(c.outcome().line()).isEqualTo(2);
      JsonNode line = JSON.readTree(c.outcome().line());
      assertThat(line.get("verdict").isNull()).isTrue();
      assertThat(line.get("reason").asText()).contains(c.reason());
    }
  }

  /**
   * Every unusable-input reason names the file and, for a field, its JSON path in plain words:
   * {@code file T.json: at $.signed_header.header.height: …}, never Jackson's "[Source: …]" text.
   */
  @Test
  void unusableInputReasonsNameFileAndJsonPath() throws Exception {
    Path trusted = write("t.json", CelestiaFixtures.lightBlockFile(10000, true));
    String now = "2023-09-07T13:00:00Z";
    ObjectNode badHeight = CelestiaFixtures.lightBlockFile(10001, false);
    ((ObjectNode) badHeight.get("signed_header").get("header")).put("height", "ten");
    Path u = write("u.json", badHeight);
    assertThat(
            JSON.readTree(run(trusted, u, "336h", now, null, null).line()).get("reason").asText())
        .isEqualTo("file " + u + ": at $.signed_header.header.height: 'ten' is not an integer");

    ObjectNode bigRound = CelestiaFixtures.lightBlockFile(10001, false);
    ((ObjectNode) bigRound.get("signed_header").get("commit")).put("round", 1L << 40);
    LightVerifyTool.Outcome round =
        run(trusted, write("r.json", bigRound), "336h", now, null, null);
    assertThat(round.exitCode()).isEqualTo(2);
    assertThat(JSON.readTree(round.line()).get("reason").asText())
        .contains("at $.signed_header.commit.round: 1099511627776 does not fit in 32 bits");

    ObjectNode noNext = CelestiaFixtures.lightBlockFile(10000, false);
    Path nn = write("nn.json", noNext);
    Path good = write("good.json", CelestiaFixtures.lightBlockFile(10001, false));
    assertThat(JSON.readTree(run(nn, good, "336h", now, null, null).line()).get("reason").asText())
        .isEqualTo(
            "file " + nn + ": at $.next_validator_set: missing (the trusted block needs it)");

    Path broken = dir.resolve("broken.json");
    Files.writeString(broken, "{\"signed_header\": {\"header\": [1, 2,");
    String reason =
        JSON.readTree(run(trusted, broken, "336h", now, null, null).line()).get("reason").asText();
    assertThat(reason)
        .startsWith("file " + broken + ": not JSON at line 1, column ")
        .contains("(in $.signed_header.header[")
        .doesNotContain("Source")
        .doesNotContain("REDACTED");

    Path empty = dir.resolve("empty.json");
    Files.writeString(empty, "  ");
    assertThat(
            JSON.readTree(run(trusted, empty, "336h", now, null, null).line())
                .get("reason")
                .asText())
        .isEqualTo("file " + empty + ": empty (expected a JSON object)");
  }

  /** The CLI path gives the model's verdict on every step of all 41 model-based vector files. */
  @Test
  void modelBasedVectorsThroughTheCommand() throws Exception {
    List<Path> files;
    try (Stream<Path> s = Files.list(TestData.cometbft("light-client-model-based"))) {
      files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    assertThat(files).hasSize(41);
    int steps = 0;
    for (Path file : files) {
      JsonNode root = JSON.readTree(file.toFile());
      String period = root.get("initial").get("trusting_period").asText() + "ns";
      Path trusted = write("trusted.json", root.get("initial"));
      for (JsonNode step : root.get("input")) {
        Path untrusted = write("untrusted.json", step.get("block"));
        LightVerifyTool.Outcome out =
            run(trusted, untrusted, period, step.get("now").asText(), null, "0s");
        String expected = step.get("verdict").asText();
        assertThat(JSON.readTree(out.line()).get("verdict").asText())
            .as(
                "%s height %s: %s",
                file.getFileName(), step.at("/block/signed_header/header/height"), out.line())
            .isEqualTo(expected);
        assertThat(out.exitCode())
            .isEqualTo(
                switch (expected) {
                  case "SUCCESS" -> 0;
                  case "NOT_ENOUGH_TRUST" -> 3;
                  default -> 4;
                });
        if (expected.equals("SUCCESS")) {
          trusted = write("trusted.json", step.get("block"));
        }
        steps++;
      }
    }
    assertThat(steps).isGreaterThan(80);
  }
}
