package io.cvmavs.consensus.light;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

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

  /** Jackson's location text inside its messages ("[Source: REDACTED …; line: 1, column: 1]"). */
  private static final Pattern JACKSON_LOCATION =
      Pattern.compile("\\[Source: [^;\\]]*; line: (?<line>\\d+), column: (?<column>\\d+)\\]");

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
      options =
          LightVerifier.Options.parse(
              args.trustingPeriod(), args.maxClockDrift(), args.trustLevel());
      now = parseNow(args.now());
    } catch (IllegalArgumentException e) {
      return unusable(e.getMessage());
    }
    LightBlock trusted;
    LightBlock untrusted;
    try {
      trusted = lightBlock(args.trusted());
      untrusted = lightBlock(args.untrusted());
    } catch (InputException e) {
      return unusable(e.getMessage());
    }
    if (trusted.nextValidators() == null) {
      return unusable(
          inFile(args.trusted(), "$.next_validator_set: missing (the trusted block needs it)"));
    }
    if (untrusted.validators() == null) {
      return unusable(
          inFile(args.untrusted(), "$.validator_set: missing (the untrusted block needs it)"));
    }
    Result result;
    try {
      result = LightVerifier.verify(trusted, untrusted, options, now);
    } catch (IllegalArgumentException e) {
      return unusable(inFile(args.trusted(), "$.next_validator_set: " + e.getMessage()));
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

  /** The reason for a required option picocli found missing (or any other usage error). */
  public static Outcome usageError(String message) {
    return unusable(message);
  }

  /** "file T.json: at $.a.b: what is wrong", the form every input error takes. */
  private static String inFile(Path file, String pathAndProblem) {
    return "file " + file + ": at " + pathAndProblem;
  }

  private static LightBlock lightBlock(Path file) throws InputException {
    JsonNode root = read(file);
    try {
      return LightJson.lightBlock(root, "$");
    } catch (InputException e) {
      throw new InputException(inFile(file, e.getMessage()), e);
    }
  }

  private static JsonNode read(Path file) throws InputException {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new InputException("file " + file + ": no such file", e);
    } catch (IOException e) {
      throw new InputException("file " + file + ": cannot read: " + e.getMessage(), e);
    }
    try (JsonParser parser = JSON.createParser(text)) {
      JsonNode root = JSON.readTree(parser);
      if (root == null || root.isMissingNode()) {
        throw new InputException("file " + file + ": empty (expected a JSON object)");
      }
      return root;
    } catch (JsonProcessingException e) {
      throw new InputException(notJson(file, e), e);
    } catch (IOException e) {
      throw new InputException("file " + file + ": cannot read: " + e.getMessage(), e);
    }
  }

  /**
   * "file T.json: not JSON at line 1, column 19 (in $.signed_header): Unexpected end-of-input …" —
   * Jackson's own "[Source: …; line: …, column: …]" location text replaced by plain words.
   */
  private static String notJson(Path file, JsonProcessingException e) {
    StringBuilder b = new StringBuilder("file ").append(file).append(": not JSON");
    JsonLocation at = e.getLocation();
    if (at != null && at.getLineNr() > 0) {
      b.append(" at line ").append(at.getLineNr()).append(", column ").append(at.getColumnNr());
    }
    if (e.getProcessor() instanceof JsonParser p && p.getParsingContext() != null) {
      String pointer = p.getParsingContext().pathAsPointer().toString();
      b.append(" (in ").append(jsonPath(pointer)).append(')');
    }
    String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
    message =
        JACKSON_LOCATION.matcher(message).replaceAll("line ${line}, column ${column}").strip();
    return b.append(": ").append(message).toString();
  }

  /** A JSON pointer ({@code /signed_header/commit/signatures/0}) as {@code $.signed_header…[0]}. */
  private static String jsonPath(String pointer) {
    StringBuilder b = new StringBuilder("$");
    if (pointer.isEmpty()) {
      return b.toString();
    }
    for (String part : pointer.substring(1).split("/", -1)) {
      String name = part.replace("~1", "/").replace("~0", "~");
      if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
        b.append('[').append(name).append(']');
      } else {
        b.append('.').append(name);
      }
    }
    return b.toString();
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
