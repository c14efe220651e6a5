package io.cvmavs.chain.rewards;

import java.math.BigInteger;
import java.util.List;

/**
 * An EigenLayer {@code OperatorDirectedRewardsSubmission} (addresses kept lower-case): strategies
 * and operators each strictly ascending by address, amounts in the token's smallest unit, times in
 * seconds (multiples of the coordinator's calculation interval).
 */
public record RewardsSubmission(
    List<StrategyMultiplier> strategies,
    String token,
    List<OperatorReward> rewards,
    long startTimestamp,
    long duration,
    String description) {

  public RewardsSubmission {
    token = token.toLowerCase(java.util.Locale.ROOT);
    strategies = List.copyOf(strategies);
    rewards = List.copyOf(rewards);
  }

  /** {@code StrategyAndMultiplier}: WAD-scaled weight. */
  public record StrategyMultiplier(String strategy, BigInteger multiplier) {
    public StrategyMultiplier {
      strategy = strategy.toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** {@code OperatorReward}. */
  public record OperatorReward(String operator, BigInteger amount) {
    public OperatorReward {
      operator = operator.toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** The sum the coordinator pulls for this submission. */
  public BigInteger total() {
    return rewards.stream().map(OperatorReward::amount).reduce(BigInteger.ZERO, BigInteger::add);
  }
}
