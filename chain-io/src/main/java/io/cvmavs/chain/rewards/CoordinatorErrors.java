package io.cvmavs.chain.rewards;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.web3j.crypto.Hash;

/**
 * Names the EigenLayer RewardsCoordinator's custom errors (parameterless, so the 4-byte selector is
 * the whole revert data) that a rewards submission can hit, with the rule behind each. Nodes report
 * such a revert only as its data (e.g. {@code 0x5dfb2ca2}); the same names and selectors hold for
 * EigenLayer's coordinator (checked against v1.12.0) and the devnet stand-in.
 */
public final class CoordinatorErrors {
  private static final Map<String, String> RULES = new LinkedHashMap<>();

  static {
    rule(
        "StrategyNotWhitelisted",
        "a submission strategy is not on the StrategyManager's deposit whitelist"
            + " (strategyIsWhitelistedForDeposit)");
    rule("StrategiesNotInAscendingOrder", "strategies must be strictly ascending by address");
    rule("OperatorsNotInAscendingOrder", "operators must be strictly ascending by address");
    rule(
        "InvalidStartTimestampRemainder",
        "startTimestamp is not a multiple of CALCULATION_INTERVAL_SECONDS");
    rule("InvalidDurationRemainder", "duration is not a multiple of CALCULATION_INTERVAL_SECONDS");
    rule("DurationIsZero", "duration is 0");
    rule("DurationExceedsMax", "duration is longer than MAX_REWARDS_DURATION");
    rule(
        "StartTimestampTooFarInPast",
        "startTimestamp is before block.timestamp - MAX_RETROACTIVE_LENGTH or before"
            + " GENESIS_REWARDS_TIMESTAMP");
    rule(
        "SubmissionNotRetroactive",
        "startTimestamp + duration is not strictly before the block's timestamp");
    rule("InputArrayLengthZero", "no strategies or no operator rewards");
    rule("AmountIsZero", "an operator's amount is 0");
    rule("AmountExceedsMax", "the submission's sum exceeds MAX_REWARDS_AMOUNT (1e38 - 1)");
    rule("InvalidAddressZero", "an operator address is zero");
    rule("InvalidOperatorSet", "the operator set does not exist in the AllocationManager");
    rule(
        "InvalidPermissions",
        "the caller may not act for the AVS (PermissionController: the AVS itself or an appointee)");
    rule("CurrentlyPaused", "operator-directed operator-set submissions are paused");
  }

  private static final Pattern SELECTOR = Pattern.compile("0x([0-9a-fA-F]{8})(?![0-9a-fA-F])");

  private CoordinatorErrors() {}

  private static void rule(String name, String rule) {
    RULES.put(selector(name + "()"), name + "(): " + rule);
  }

  /** The 4-byte selector of an error signature, as {@code 0x} + 8 lower-case hex digits. */
  public static String selector(String signature) {
    byte[] h = Hash.sha3(signature.getBytes(StandardCharsets.US_ASCII));
    return "0x" + HexFormat.of().formatHex(h, 0, 4);
  }

  /**
   * The coordinator error whose selector is the whole revert data quoted in {@code message} (a
   * node's "would revert" or "reverted" text), as "Name(): rule"; empty if none is recognised.
   */
  public static Optional<String> explain(String message) {
    if (message == null) {
      return Optional.empty();
    }
    Matcher m = SELECTOR.matcher(message);
    while (m.find()) {
      String rule = RULES.get("0x" + m.group(1).toLowerCase(Locale.ROOT));
      if (rule != null) {
        return Optional.of(rule);
      }
    }
    return Optional.empty();
  }
}
