package io.cvmavs.consensus.light;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Light-client verification on real chain data (Celestia mocha-4, CometBFT): header and
 * validator-set hashes of every stored height, every step from a trusted height (one whose next
 * validator set is stored) to every later height, and tampered copies. Expected verdicts: an
 * offline tally of the same files (trusted-set overlap ≥ 0.5 and own-set signatures > 2/3 on every
 * step) says SUCCESS wherever the 21-day trusting period has not run out.
 */
class CelestiaTest {
  private static final Duration TRUSTING_PERIOD = GoDuration.parse("504h0m0s");
  private static final LightVerifier.Options OPTIONS = LightVerifier.Options.of(TRUSTING_PERIOD);

  @Test
  void headerAndValidatorSetHashesOfEveryHeight() throws Exception {
    List<Long> heights = CelestiaFixtures.heights();
    assertThat(heights).hasSizeGreaterThanOrEqualTo(15);
    for (long h : heights) {
      LightBlock block =
          LightJson.lightBlock(CelestiaFixtures.lightBlockFile(h, false), "mocha-4/" + h);
      assertThat(LightJson.hex(HeaderHash.of(block.signedHeader().header())))
          .as("header hash of %d", h)
          .isEqualTo(
              LightJson.hex(block.signedHeader().commit().getBlockId().getHash().toByteArray()));
      assertThat(LightJson.hex(block.validators().hash()))
          .as("validator-set hash of %d", h)
          .isEqualTo(
              LightJson.hex(block.signedHeader().header().getValidatorsHash().toByteArray()));
    }
  }

  @Test
  void everyStepFromEveryTrustedHeight() throws Exception {
    List<Long> heights = CelestiaFixtures.heights();
    int success = 0;
    int expired = 0;
    for (long a : heights) {
      if (!heights.contains(a + 1)) {
        continue;
      }
      LightBlock trusted =
          LightJson.lightBlock(CelestiaFixtures.lightBlockFile(a, true), "trusted " + a);
      for (long b : heights) {
        if (b <= a) {
          continue;
        }
        LightBlock untrusted =
            LightJson.lightBlock(CelestiaFixtures.lightBlockFile(b, false), "untrusted " + b);
        Instant now =
            LightVerifier.instant(untrusted.signedHeader().header().getTime()).plusSeconds(60);
        Result r = LightVerifier.verify(trusted, untrusted, OPTIONS, now);
        boolean withinTrust =
            LightVerifier.instant(trusted.signedHeader().header().getTime())
                .plus(TRUSTING_PERIOD)
                .isAfter(now);
        assertThat(r.verdict())
            .as("%d -> %d: %s", a, b, r.reason())
            .isEqualTo(withinTrust ? Verdict.SUCCESS : Verdict.INVALID);
        if (withinTrust) {
          success++;
        } else {
          expired++;
          assertThat(r.reason()).contains("expired");
        }
      }
    }
    assertThat(success).isGreaterThan(60);
    assertThat(expired).isPositive();
  }

  /** One tampering of an untrusted light-block file and the reason it must be refused with. */
  private record Tamper(
      String name, java.util.function.Consumer<ObjectNode> change, String... reasons) {}

  @Test
  void tamperedCopiesAreInvalid() throws Exception {
    List<Tamper> tampers = new ArrayList<>();
    tampers.add(
        new Tamper("first signature bit flipped", f -> flipSignature(f, 0), "does not verify"));
    tampers.add(
        new Tamper(
            "app_hash altered",
            f -> header(f).put("app_hash", "00" + header(f).get("app_hash").asText().substring(2)),
            "hashes to"));
    tampers.add(
        new Tamper(
            "time altered", f -> header(f).put("time", "2023-09-07T16:00:00.5Z"), "hashes to"));
    tampers.add(
        new Tamper(
            "voting power altered",
            f ->
                ((ObjectNode) f.get("validator_set").get("validators").get(0))
                    .put("voting_power", "1"),
            "validator_set hashes to"));
    tampers.add(
        new Tamper(
            "signer address swapped",
            f -> {
              ArrayNode sigs = signatures(f);
              String a0 = sigs.get(0).get("validator_address").asText();
              ((ObjectNode) sigs.get(0))
                  .put("validator_address", sigs.get(1).get("validator_address").asText());
              ((ObjectNode) sigs.get(1)).put("validator_address", a0);
            },
            // adjacent: the index check; non-adjacent: the trusting check looks the signer up by
            // address first
            "names validator",
            "does not verify"));
    tampers.add(
        new Tamper(
            "commit for another height",
            f -> ((ObjectNode) f.get("signed_header").get("commit")).put("height", "10499"),
            "commit is for height"));
    long[][] steps = {{10000, 10500}, {11000, 11001}, {157000, 157001}};
    for (long[] step : steps) {
      LightBlock trusted =
          LightJson.lightBlock(
              CelestiaFixtures.lightBlockFile(step[0], true), "trusted " + step[0]);
      for (Tamper t : tampers) {
        ObjectNode file = CelestiaFixtures.lightBlockFile(step[1], false);
        LightBlock honest = LightJson.lightBlock(file, "untrusted");
        Instant now =
            LightVerifier.instant(honest.signedHeader().header().getTime()).plusSeconds(60);
        assertThat(LightVerifier.verify(trusted, honest, OPTIONS, now).verdict())
            .isEqualTo(Verdict.SUCCESS);
        t.change().accept(file);
        Result r =
            LightVerifier.verify(trusted, LightJson.lightBlock(file, "tampered"), OPTIONS, now);
        assertThat(r.verdict())
            .as("%s on %d -> %d: %s", t.name(), step[0], step[1], r.reason())
            .isEqualTo(Verdict.INVALID);
        assertThat(r.reason()).as(t.name()).containsAnyOf(t.reasons());
      }
    }
  }

  @Test
  void underSignedCommitIsInvalidAndUntrustedOverlapIsNotEnoughTrust() throws Exception {
    // 10501: two of three validators signed, 50.1M of 75.1M power (66.71%, just over 2/3).
    LightBlock trusted =
        LightJson.lightBlock(CelestiaFixtures.lightBlockFile(10500, true), "trusted");
    ObjectNode file = CelestiaFixtures.lightBlockFile(10501, false);
    Instant now = Instant.parse("2023-09-07T14:23:00Z");
    assertThat(
            LightVerifier.verify(trusted, LightJson.lightBlock(file, "u"), OPTIONS, now).verdict())
        .isEqualTo(Verdict.SUCCESS);
    ArrayNode sigs = signatures(file);
    for (JsonNode sig : sigs) {
      if (sig.get("block_id_flag").asInt() == 2
          && sig.get("validator_address").asText().startsWith("7619")) {
        ((ObjectNode) sig).put("block_id_flag", 3); // a NIL vote does not count
      }
    }
    Result r = LightVerifier.verify(trusted, LightJson.lightBlock(file, "u"), OPTIONS, now);
    assertThat(r.verdict()).as(r.reason()).isEqualTo(Verdict.INVALID);
    assertThat(r.reason()).contains("did not sign");

    // Trusting 10000 (two validators, 25M each) with trust level 1/1: 157000's signers hold only
    // half of that set.
    LightBlock old = LightJson.lightBlock(CelestiaFixtures.lightBlockFile(10000, true), "trusted");
    LightBlock far = LightJson.lightBlock(CelestiaFixtures.lightBlockFile(157000, false), "u");
    Instant later = LightVerifier.instant(far.signedHeader().header().getTime()).plusSeconds(1);
    LightVerifier.Options strict =
        new LightVerifier.Options(
            TRUSTING_PERIOD, LightVerifier.DEFAULT_MAX_CLOCK_DRIFT, new TrustLevel(1, 1));
    assertThat(LightVerifier.verify(old, far, strict, later).verdict())
        .isEqualTo(Verdict.NOT_ENOUGH_TRUST);
    assertThat(LightVerifier.verify(old, far, OPTIONS, later).verdict()).isEqualTo(Verdict.SUCCESS);
  }

  @Test
  void expiredTrustAndHeadersFromTheFutureAreInvalid() throws Exception {
    LightBlock trusted =
        LightJson.lightBlock(CelestiaFixtures.lightBlockFile(10000, true), "trusted");
    LightBlock untrusted = LightJson.lightBlock(CelestiaFixtures.lightBlockFile(10001, false), "u");
    Instant t = LightVerifier.instant(trusted.signedHeader().header().getTime());
    Instant u = LightVerifier.instant(untrusted.signedHeader().header().getTime());
    Result expired = LightVerifier.verify(trusted, untrusted, OPTIONS, t.plus(TRUSTING_PERIOD));
    assertThat(expired.verdict()).isEqualTo(Verdict.INVALID);
    assertThat(expired.reason()).contains("expired");
    assertThat(
            LightVerifier.verify(trusted, untrusted, OPTIONS, t.plus(TRUSTING_PERIOD).minusNanos(1))
                .verdict())
        .isEqualTo(Verdict.SUCCESS);
    Result future = LightVerifier.verify(trusted, untrusted, OPTIONS, u.minusSeconds(10));
    assertThat(future.verdict()).isEqualTo(Verdict.INVALID);
    assertThat(future.reason()).contains("from the future");
    assertThat(
            LightVerifier.verify(trusted, untrusted, OPTIONS, u.minusSeconds(10).plusNanos(1))
                .verdict())
        .isEqualTo(Verdict.SUCCESS);
  }

  static ObjectNode header(ObjectNode file) {
    return (ObjectNode) file.get("signed_header").get("header");
  }

  static ArrayNode signatures(ObjectNode file) {
    return (ArrayNode) file.get("signed_header").get("commit").get("signatures");
  }

  static void flipSignature(ObjectNode file, int index) {
    ObjectNode sig = (ObjectNode) signatures(file).get(index);
    byte[] s = Base64.getDecoder().decode(sig.get("signature").asText());
    s[5] ^= 0x01;
    sig.put("signature", Base64.getEncoder().encodeToString(s));
  }
}
