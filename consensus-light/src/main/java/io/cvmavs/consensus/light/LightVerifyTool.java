package io.cvmavs.consensus.light;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * {@code cvm-avs light verify}: one verification of an untrusted light block against a trusted one,
 * given as files in CometBFT's RPC shapes ({@link LightJson}). The answer is one JSON line {@code
 * {"verdict": …, "reason": …}} and an exit code: 0 SUCCESS, 3 NOT_ENOUGH_TRUST, 4 INVALID, 2
 * unusable input ({@code "verdict": null}, the reason names the file and field).
 */
public final class LightVerifyTool {
  public static final int EXIT_SUCCESS = 0;
  public static final int EXIT_UNUSABLE_INPUT = 2;
  public static final int EXIT_NOT_ENOUGH_TRUST = 3;
  public static final int EXIT_INVALID = 4;

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The command's arguments as typed.
   *
   * @param trustingPeriod Go duration ({@code 336h0m0s}, {@code 1400s})
   * @param now RFC 3339 time
   * @param trustLevel {@code N/D}, or {@code null} for 1/3
   * @param maxClockDrift Go duration, or {@code null} for 10 s
   */
  public record Arguments(
      Path trusted,
      Path untrusted,
      String trustingPeriod,
      String now,
      String trustLevel,
      String maxClockDrift) {}

  /** The JSON line to print and the exit code. */
  public record Outcome(int exitCode, String line) {}

  private LightVerifyTool() {}

  public static Outcome run(Arguments args) {
    LightVerifier.Options options;
    Instant now;
    try {
      Duration trustingPeriod = GoDuration.parse(args.trustingPeriod());
      Duration drift =
          args.maxClockDrift() == null
              ? LightVerifier.DEFAULT_MAX_CLOCK_DRIFT
              : GoDuration.parse(args.maxClockDrift());
      TrustLevel level =
          args.trustLevel() == null ? TrustLevel.ONE_THIRD : TrustLevel.parse(args.trustLevel());
      options = new LightVerifier.Options(trustingPeriod, drift, level);
      now = parseNow(args.now());
    } catch (IllegalArgumentException e) {
      return unusable(e.getMessage());
    }
    LightBlock trusted;
    LightBlock untrusted;
    try {
      trusted = LightJson.lightBlock(read(args.trusted()), args.trusted().toString());
      untrusted = LightJson.lightBlock(read(args.untrusted()), args.untrusted().toString());
    } catch (InputException e) {
      return unusable(e.getMessage());
    }
    if (trusted.nextValidators() == null) {
      return unusable(
          args.trusted() + ": next_validator_set: missing (the trusted block needs it)");
    }
    if (untrusted.validators() == null) {
      return unusable(args.untrusted() + ": validator_set: missing (the untrusted block needs it)");
    }
    Result result;
    try {
      result = LightVerifier.verify(trusted, untrusted, options, now);
    } catch (IllegalArgumentException e) {
      return unusable(args.trusted() + ": " + e.getMessage());
    }
    int code =
        switch (result.verdict()) {
          case SUCCESS -> EXIT_SUCCESS;
          case NOT_ENOUGH_TRUST -> EXIT_NOT_ENOUGH_TRUST;
          case INVALID -> EXIT_INVALID;
        };
    return new Outcome(code, line(result.verdict().name(), result.reason()));
  }

  private static Instant parseNow(String text) {
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("--now '" + text + "' is not an RFC 3339 time", e);
    }
  }

  private static JsonNode read(Path file) throws InputException {
    try {
      return JSON.readTree(Files.readString(file));
    } catch (NoSuchFileException e) {
      throw new InputException(file + ": no such file", e);
    } catch (JsonProcessingException e) {
      throw new InputException(file + ": not JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new InputException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  private static Outcome unusable(String reason) {
    return new Outcome(EXIT_UNUSABLE_INPUT, line(null, reason));
  }

  private static String line(String verdict, String reason) {
    ObjectNode o = JSON.createObjectNode();
    o.put("verdict", verdict);
    o.put("reason", reason);
    return o.toString();
  }
}
