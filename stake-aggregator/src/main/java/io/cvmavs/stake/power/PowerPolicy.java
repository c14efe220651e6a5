package io.cvmavs.stake.power;

import io.cvmavs.stake.StakeConfigException;
import java.math.BigInteger;

/**
 * How weights become CometBFT voting powers.
 *
 * @param unitWei weight (weighted {@code $C} wei) per unit of voting power, e.g. 1e18 = one power
 *     per weighted {@code $C}; when the total would exceed MaxTotalVotingPower the unit grows
 *     proportionally (see {@link PowerCalculator})
 * @param minPower validators whose power (after scaling, before the cap) is below this are left
 *     out; at least 1
 * @param maxValidators the largest set; the lowest powers (then highest addresses) are left out
 * @param maxPowerBps per-validator cap as a share of the set's total power, in basis points (10000
 *     = no cap)
 */
public record PowerPolicy(BigInteger unitWei, long minPower, int maxValidators, int maxPowerBps) {
  public static final int NO_CAP = 10_000;

  public PowerPolicy {
    if (unitWei.signum() <= 0) {
      throw new StakeConfigException("power unit must be positive, got " + unitWei);
    }
    if (minPower < 1) {
      throw new StakeConfigException("minimum power must be at least 1, got " + minPower);
    }
    if (maxValidators < 1) {
      throw new StakeConfigException("maximum set size must be at least 1, got " + maxValidators);
    }
    if (maxPowerBps < 1 || maxPowerBps > NO_CAP) {
      throw new StakeConfigException(
          "per-validator cap must be in 1..10000 basis points, got " + maxPowerBps);
    }
  }

  /** One power per weighted {@code $C}, no minimum beyond 1, up to 100 validators, no cap. */
  public static PowerPolicy defaults() {
    return new PowerPolicy(BigInteger.TEN.pow(18), 1, 100, NO_CAP);
  }
}
