package io.cvmavs.operator.rewards;

import io.cvmavs.chain.rewards.RewardsReader;
import java.util.Optional;

/**
 * A rewards period as EigenLayer accepts it: {@code [start, start + duration)} in seconds, both
 * multiples of the coordinator's calculation interval, {@code 0 < duration <=
 * MAX_REWARDS_DURATION}, strictly in the past ({@code start + duration < now}) and not before
 * {@code now - MAX_RETROACTIVE_LENGTH} or the genesis timestamp.
 */
public record RewardPeriod(long start, long duration) {
  public RewardPeriod {
    if (start < 0 || duration <= 0) {
      throw new IllegalArgumentException(
          "reward period needs start >= 0 and duration > 0, got " + start + " + " + duration);
    }
  }

  public long end() {
    return start + duration;
  }

  /** True if a block of this timestamp falls in the period. */
  public boolean contains(long timestamp) {
    return timestamp >= start && timestamp < end();
  }

  /**
   * The longest period the coordinator accepts at {@code nowSeconds} that starts at or after {@code
   * notBefore} (e.g. the end of the last submitted period): its end is the last interval boundary
   * strictly before now; its start {@code notBefore} rounded up to the interval, but no earlier
   * than the retroactive limit and the genesis, and no more than the maximum duration before the
   * end. Empty if no whole interval fits.
   */
  public static Optional<RewardPeriod> latestComplete(
      long nowSeconds, RewardsReader.Rules rules, long notBefore) {
    long interval = rules.calculationIntervalSeconds();
    if (interval <= 0) {
      throw new IllegalArgumentException("calculation interval must be > 0, got " + interval);
    }
    long end = floorTo(nowSeconds - 1, interval);
    long start = ceilTo(Math.max(0, notBefore), interval);
    start =
        Math.max(start, ceilTo(Math.max(0, nowSeconds - rules.maxRetroactiveLength()), interval));
    start = Math.max(start, ceilTo(rules.genesisRewardsTimestamp(), interval));
    start = Math.max(start, end - floorTo(rules.maxRewardsDuration(), interval));
    if (start >= end) {
      return Optional.empty();
    }
    return Optional.of(new RewardPeriod(start, end - start));
  }

  static long floorTo(long v, long interval) {
    return Math.floorDiv(v, interval) * interval;
  }

  static long ceilTo(long v, long interval) {
    return -Math.floorDiv(-v, interval) * interval;
  }
}
