package io.cvmavs.stake.security;

import io.cvmavs.stake.security.SecurityFigures.CorruptionCost;
import io.cvmavs.stake.validator.ConsensusKey;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/** Computes {@link SecurityFigures}; pure. */
public final class SecurityCalculator {
  private static final BigInteger WAD = BigInteger.TEN.pow(18);

  /**
   * One validator's power and the slashable value behind it.
   *
   * @param valueC restaked value plus {@code $C} stake, in {@code $C} wei
   */
  public record Stake(ConsensusKey key, long power, BigInteger valueC) {}

  private SecurityCalculator() {}

  /**
   * @param cPerEthWad {@code $C} per ETH, WAD-scaled (2000e18 = 2000 {@code $C} per ETH)
   */
  public static SecurityFigures compute(List<Stake> stakes, BigInteger cPerEthWad) {
    if (cPerEthWad.signum() <= 0) {
      throw new IllegalArgumentException("$C per ETH must be positive, got " + cPerEthWad);
    }
    BigInteger totalC = BigInteger.ZERO;
    long totalPower = 0;
    for (Stake s : stakes) {
      totalC = totalC.add(s.valueC());
      totalPower += s.power();
    }
    List<Stake> cheapestFirst = new ArrayList<>(stakes);
    // value/power ascending, compared exactly by cross-multiplication; then address ascending.
    cheapestFirst.sort(
        (a, b) -> {
          int c =
              a.valueC()
                  .multiply(BigInteger.valueOf(b.power()))
                  .compareTo(b.valueC().multiply(BigInteger.valueOf(a.power())));
          return c != 0 ? c : a.key().compareTo(b.key());
        });
    return new SecurityFigures(
        totalC,
        toEth(totalC, cPerEthWad),
        cost(cheapestFirst, totalPower, 1, cPerEthWad),
        cost(cheapestFirst, totalPower, 2, cPerEthWad));
  }

  /** Smallest prefix with {@code 3 × power > thirds × total}. */
  private static CorruptionCost cost(
      List<Stake> cheapestFirst, long totalPower, int thirds, BigInteger cPerEthWad) {
    BigInteger threshold = BigInteger.valueOf(totalPower).multiply(BigInteger.valueOf(thirds));
    // Smallest integer power P with 3P > thirds × total.
    long needed = threshold.divide(BigInteger.valueOf(3)).longValueExact() + 1;
    long power = 0;
    BigInteger cost = BigInteger.ZERO;
    BigInteger lower = BigInteger.ZERO;
    int n = 0;
    for (Stake s : cheapestFirst) {
      if (power >= needed) {
        break;
      }
      long missing = needed - power;
      if (s.power() > missing) {
        lower =
            lower.add(
                s.valueC()
                    .multiply(BigInteger.valueOf(missing))
                    .divide(BigInteger.valueOf(s.power())));
      } else {
        lower = lower.add(s.valueC());
      }
      power += s.power();
      cost = cost.add(s.valueC());
      n++;
    }
    if (power < needed) {
      // Empty set (or all power zero): nothing to corrupt.
      return new CorruptionCost(
          0, 0, BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO);
    }
    return new CorruptionCost(
        n, power, cost, lower, toEth(cost, cPerEthWad), toEth(lower, cPerEthWad));
  }

  private static BigInteger toEth(BigInteger c, BigInteger cPerEthWad) {
    return c.multiply(WAD).divide(cPerEthWad);
  }
}
