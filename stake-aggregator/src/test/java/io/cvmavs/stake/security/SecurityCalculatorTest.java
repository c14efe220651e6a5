package io.cvmavs.stake.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.cvmavs.stake.StakeFixtures;
import io.cvmavs.stake.security.SecurityCalculator.Stake;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecurityCalculatorTest {
  private static final BigInteger E18 = BigInteger.TEN.pow(18);

  private static BigInteger c(long tokens) {
    return E18.multiply(BigInteger.valueOf(tokens));
  }

  @Test
  void cheapestPowerFirst() {
    StakeFixtures f = new StakeFixtures(1);
    // power 40 costing 400 (10/power), power 30 costing 90 (3/power), power 30 costing 30
    // (1/power).
    List<Stake> stakes =
        List.of(
            new Stake(f.key(), 40, c(400)),
            new Stake(f.key(), 30, c(90)),
            new Stake(f.key(), 30, c(30)));
    SecurityFigures s = SecurityCalculator.compute(stakes, c(2000));
    assertThat(s.totalSlashableC()).isEqualTo(c(520));
    assertThat(s.totalSlashableEth()).isEqualTo(c(520).divide(BigInteger.valueOf(2000)));
    // > 1/3 of 100 = 34: the 1/power validator (30) is not enough, add the 3/power one.
    assertThat(s.corruptOneThird().validators()).isEqualTo(2);
    assertThat(s.corruptOneThird().power()).isEqualTo(60);
    assertThat(s.corruptOneThird().costC()).isEqualTo(c(120));
    // Fractional bound: 30 + 4 × 3 = 42.
    assertThat(s.corruptOneThird().lowerBoundC()).isEqualTo(c(42));
    // > 2/3 of 100 = 67: all three (60 + 40), bound 30 + 90 + 7 × 10 = 190.
    assertThat(s.corruptTwoThirds().validators()).isEqualTo(3);
    assertThat(s.corruptTwoThirds().costC()).isEqualTo(c(520));
    assertThat(s.corruptTwoThirds().lowerBoundC()).isEqualTo(c(190));
    assertThat(s.corruptTwoThirds().costEth()).isEqualTo(c(520).divide(BigInteger.valueOf(2000)));
  }

  @Test
  void boundsHoldOnRandomSets() {
    for (long seed = 0; seed < 200; seed++) {
      StakeFixtures f = new StakeFixtures(seed);
      List<Stake> stakes = new ArrayList<>();
      long total = 0;
      for (int i = 0; i < 1 + f.random().nextInt(30); i++) {
        long p = 1 + f.random().nextInt(1000);
        total += p;
        stakes.add(new Stake(f.key(), p, f.weight(90)));
      }
      SecurityFigures s = SecurityCalculator.compute(stakes, c(3000));
      for (SecurityFigures.CorruptionCost cost :
          List.of(s.corruptOneThird(), s.corruptTwoThirds())) {
        assertThat(cost.lowerBoundC()).as("seed %d", seed).isLessThanOrEqualTo(cost.costC());
        assertThat(cost.costC()).isLessThanOrEqualTo(s.totalSlashableC());
      }
      assertThat(3 * s.corruptOneThird().power()).isGreaterThan(total);
      assertThat(3 * s.corruptTwoThirds().power()).isGreaterThan(2 * total);
      assertThat(s.corruptOneThird().costC()).isLessThanOrEqualTo(s.corruptTwoThirds().costC());
    }
  }

  @Test
  void emptySetCostsNothing() {
    SecurityFigures s = SecurityCalculator.compute(List.of(), c(1));
    assertThat(s.totalSlashableC()).isZero();
    assertThat(s.corruptOneThird().validators()).isZero();
  }
}
