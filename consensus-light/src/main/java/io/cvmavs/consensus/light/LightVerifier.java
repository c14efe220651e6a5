package io.cvmavs.consensus.light;

import com.google.protobuf.Timestamp;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

/**
 * CometBFT's light-client verification of one untrusted header against a trusted one ({@code
 * VerifyAdjacent} for height + 1, {@code VerifyNonAdjacent} otherwise), with the verdicts of the
 * light-client specification:
 *
 * <ol>
 *   <li>INVALID when the trusted header has expired ({@code trusted.time + trustingPeriod <= now});
 *   <li>INVALID when the untrusted header is malformed: another chain id, a commit for another
 *       height or block (the header's hash), a validator set that does not hash to the header's
 *       {@code validators_hash};
 *   <li>INVALID when it is not after the trusted header (height and time), or from the future
 *       ({@code time >= now + maxClockDrift});
 *   <li>adjacent: INVALID unless its {@code validators_hash} is the trusted header's {@code
 *       next_validators_hash}; non-adjacent: NOT_ENOUGH_TRUST unless validators of the trusted next
 *       set holding more than the trust level of its power signed it;
 *   <li>INVALID unless more than 2/3 of its own validator set's power signed it (COMMIT votes only,
 *       signer address equal to the validator's at the same index); INVALID on any bad signature
 *       checked.
 * </ol>
 */
public final class LightVerifier {
  /** CometBFT's default maximum clock drift. */
  public static final Duration DEFAULT_MAX_CLOCK_DRIFT = Duration.ofSeconds(10);

  /**
   * @param trustingPeriod how long a trusted header vouches for validators (less than the unbonding
   *     period)
   * @param maxClockDrift how far in the future a header's time may be
   * @param trustLevel fraction of the trusted set that must sign a non-adjacent header
   */
  public record Options(Duration trustingPeriod, Duration maxClockDrift, TrustLevel trustLevel) {
    public Options {
      if (trustingPeriod.isNegative() || trustingPeriod.isZero()) {
        throw new IllegalArgumentException(
            "trusting period must be positive, got " + GoDuration.format(trustingPeriod));
      }
      if (maxClockDrift.isNegative()) {
        throw new IllegalArgumentException(
            "max clock drift must not be negative, got " + GoDuration.format(maxClockDrift));
      }
    }

    public static Options of(Duration trustingPeriod) {
      return new Options(trustingPeriod, DEFAULT_MAX_CLOCK_DRIFT, TrustLevel.ONE_THIRD);
    }

    /**
     * The options as typed on a command line: Go durations and {@code N/D}; a {@code null} drift or
     * level is the default (10 s, 1/3).
     *
     * @throws IllegalArgumentException naming the value that is wrong
     */
    public static Options parse(String trustingPeriod, String maxClockDrift, String trustLevel) {
      return new Options(
          GoDuration.parse(trustingPeriod),
          maxClockDrift == null ? DEFAULT_MAX_CLOCK_DRIFT : GoDuration.parse(maxClockDrift),
          trustLevel == null ? TrustLevel.ONE_THIRD : TrustLevel.parse(trustLevel));
    }
  }

  private LightVerifier() {}

  /**
   * Verifies {@code untrusted} (its signed header and {@code validators}) against {@code trusted}
   * (its signed header and {@code nextValidators}) at time {@code now}.
   *
   * @throws IllegalArgumentException a required validator set is missing, or the trusted block's
   *     next validator set does not hash to its header's {@code next_validators_hash} (the trusted
   *     input is inconsistent)
   */
  public static Result verify(
      LightBlock trusted, LightBlock untrusted, Options options, Instant now) {
    if (trusted.nextValidators() == null) {
      throw new IllegalArgumentException("the trusted block has no next_validator_set");
    }
    if (untrusted.validators() == null) {
      throw new IllegalArgumentException("the untrusted block has no validator_set");
    }
    SignedHeader t = trusted.signedHeader();
    SignedHeader u = untrusted.signedHeader();
    if (!Arrays.equals(
        trusted.nextValidators().hash(), t.header().getNextValidatorsHash().toByteArray())) {
      throw new IllegalArgumentException(
          "the trusted next_validator_set hashes to "
              + LightJson.hex(trusted.nextValidators().hash())
              + ", not the trusted header's next_validators_hash "
              + LightJson.hex(t.header().getNextValidatorsHash().toByteArray()));
    }

    Instant trustedTime = instant(t.header().getTime());
    Instant expires = trustedTime.plus(options.trustingPeriod());
    if (!expires.isAfter(now)) {
      return Result.invalid(
          "trusted header "
              + t.height()
              + " expired at "
              + expires
              + " (trusting period "
              + GoDuration.format(options.trustingPeriod())
              + "), now is "
              + now);
    }

    if (untrusted.validators().size() == 0) {
      return Result.invalid("header " + u.height() + " comes with an empty validator set");
    }
    Result malformed = validateBasic(t, u, untrusted.validators());
    if (malformed != null) {
      return malformed;
    }
    if (u.height() <= t.height()) {
      return Result.invalid(
          "untrusted height " + u.height() + " is not above the trusted height " + t.height());
    }
    Instant untrustedTime = instant(u.header().getTime());
    if (!untrustedTime.isAfter(trustedTime)) {
      return Result.invalid(
          "untrusted header time "
              + untrustedTime
              + " is not after the trusted header time "
              + trustedTime);
    }
    if (!untrustedTime.isBefore(now.plus(options.maxClockDrift()))) {
      return Result.invalid(
          "untrusted header time "
              + untrustedTime
              + " is from the future (now "
              + now
              + ", max clock drift "
              + GoDuration.format(options.maxClockDrift())
              + ")");
    }

    CommitVerifier commit = new CommitVerifier(u.chainId(), u.commit());
    boolean adjacent = u.height() == t.height() + 1;
    try {
      if (adjacent) {
        if (!u.header().getValidatorsHash().equals(t.header().getNextValidatorsHash())) {
          return Result.invalid(
              "adjacent header's validators_hash "
                  + LightJson.hex(u.header().getValidatorsHash().toByteArray())
                  + " is not the trusted next_validators_hash "
                  + LightJson.hex(t.header().getNextValidatorsHash().toByteArray()));
        }
      } else {
        CommitVerifier.TrustTally tally =
            commit.verifyLightTrusting(trusted.nextValidators(), options.trustLevel());
        if (!tally.enough()) {
          return Result.notEnoughTrust(
              "validators of the trusted set holding "
                  + tally.signed()
                  + " of its "
                  + tally.total()
                  + " voting power ("
                  + percent(tally.signed(), tally.total())
                  + ") signed header "
                  + u.height()
                  + "; trust level "
                  + options.trustLevel()
                  + " needs more than "
                  + tally.needed()
                  + " — verify an intermediate header first");
        }
      }
      long power = commit.verifyLight(untrusted.validators());
      if (power < 0) {
        return Result.invalid(
            "validators holding more than 2/3 of the power "
                + untrusted.validators().totalVotingPower()
                + " did not sign header "
                + u.height());
      }
      return Result.success(
          (adjacent ? "adjacent" : "non-adjacent")
              + " header "
              + u.height()
              + " verified from trusted header "
              + t.height()
              + ": valid signatures of "
              + power
              + " of "
              + untrusted.validators().totalVotingPower()
              + " voting power checked (more than 2/3)");
    } catch (CommitVerifier.InvalidCommitException e) {
      return Result.invalid("commit for header " + u.height() + ": " + e.getMessage());
    }
  }

  /**
   * Checks a block offered as the root of trust (a height and hash the user got out of band): its
   * header hashes to {@code expectedHash}, its commit signs that header, its validator set matches
   * the header and signed more than 2/3. It must still be within the trusting period at {@code
   * now}.
   */
  public static Result verifyTrustRoot(
      LightBlock root, byte[] expectedHash, Options options, Instant now) {
    SignedHeader sh = root.signedHeader();
    byte[] hash = HeaderHash.of(sh.header());
    if (!Arrays.equals(hash, expectedHash)) {
      return Result.invalid(
          "header "
              + sh.height()
              + " hashes to "
              + LightJson.hex(hash)
              + ", not the trusted hash "
              + LightJson.hex(expectedHash));
    }
    Instant expires = instant(sh.header().getTime()).plus(options.trustingPeriod());
    if (!expires.isAfter(now)) {
      return Result.invalid("trusted header " + sh.height() + " expired at " + expires);
    }
    if (root.validators() == null || root.validators().size() == 0) {
      return Result.invalid("header " + sh.height() + " comes with no validator set");
    }
    Result malformed = validateBasic(sh, sh, root.validators());
    if (malformed != null) {
      return malformed;
    }
    try {
      long power = new CommitVerifier(sh.chainId(), sh.commit()).verifyLight(root.validators());
      if (power < 0) {
        return Result.invalid(
            "validators holding more than 2/3 of the power did not sign header " + sh.height());
      }
    } catch (CommitVerifier.InvalidCommitException e) {
      return Result.invalid("commit for header " + sh.height() + ": " + e.getMessage());
    }
    return Result.success(
        "header " + sh.height() + " matches the trusted hash and is signed by more than 2/3");
  }

  private static String percent(long part, long whole) {
    return whole == 0
        ? "0%"
        : BigDecimal.valueOf(part)
                .multiply(BigDecimal.valueOf(100))
                .divide(BigDecimal.valueOf(whole), 1, RoundingMode.DOWN)
                .stripTrailingZeros()
                .toPlainString()
            + "%";
  }

  private static Result validateBasic(SignedHeader t, SignedHeader u, ValidatorSet vals) {
    if (!u.chainId().equals(t.chainId())) {
      return Result.invalid(
          "untrusted header is for chain '" + u.chainId() + "', trusted is '" + t.chainId() + "'");
    }
    if (u.commit().getHeight() != u.height()) {
      return Result.invalid(
          "commit is for height " + u.commit().getHeight() + ", header is " + u.height());
    }
    byte[] headerHash = HeaderHash.of(u.header());
    byte[] signed = u.commit().getBlockId().getHash().toByteArray();
    if (!Arrays.equals(headerHash, signed)) {
      return Result.invalid(
          "commit signs block "
              + LightJson.hex(signed)
              + " but header "
              + u.height()
              + " hashes to "
              + LightJson.hex(headerHash));
    }
    byte[] valsHash = vals.hash();
    if (!Arrays.equals(valsHash, u.header().getValidatorsHash().toByteArray())) {
      return Result.invalid(
          "validator_set hashes to "
              + LightJson.hex(valsHash)
              + ", header "
              + u.height()
              + " names "
              + LightJson.hex(u.header().getValidatorsHash().toByteArray()));
    }
    return null;
  }

  static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }
}
