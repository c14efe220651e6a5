package io.cvmavs.stake.aggregate;

import io.cvmavs.stake.validator.ConsensusKey;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;

/**
 * One operator-set member at an epoch boundary: its stake components, weight, value and fate.
 *
 * @param cStake active {@code $C} stake (wei)
 * @param restaked per strategy, in registry order
 * @param weight voting weight in weighted {@code $C} wei (module README formula)
 * @param valueC slashable value in {@code $C} wei (restaked value + {@code $C} stake)
 * @param scaledPower weight in power units before the minimum, the set size and the cap
 * @param power final voting power (0 if not a validator)
 */
public record OperatorReport(
    String operator,
    Optional<ConsensusKey> key,
    BigInteger cStake,
    List<Restaked> restaked,
    BigInteger weight,
    BigInteger valueC,
    long scaledPower,
    long power,
    Status status) {

  /**
   * @param shares slashable shares allocated to the operator set
   * @param valueC their value in {@code $C} wei ({@code shares × cPerShare / 1e18})
   */
  public record Restaked(String strategy, BigInteger shares, BigInteger valueC) {}

  /** Why an operator is or is not a validator. */
  public enum Status {
    VALIDATOR,
    CAPPED,
    NO_CONSENSUS_KEY,
    INVALID_CONSENSUS_KEY,
    DUPLICATE_CONSENSUS_KEY,
    JAILED,
    NO_STAKE,
    BELOW_MIN_POWER,
    OUTSIDE_MAX_SET;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
