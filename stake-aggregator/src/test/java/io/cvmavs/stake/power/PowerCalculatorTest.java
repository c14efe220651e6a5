package io.cvmavs.stake.power;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.stake.StakeFixtures;
import io.cvmavs.stake.validator.Validator;
import io.cvmavs.stake.validator.ValidatorSet;
import io.cvmavs.stake.validator.ValidatorSetException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Property tests over seeded random inputs (each failure names its seed). */
class PowerCalculatorTest {
  private static final BigInteger E18 = BigInteger.TEN.pow(18);
  private static final int RUNS = 400;

  private static PowerPolicy randomPolicy(StakeFixtures f) {
    int bps = f.random().nextInt(3) == 0 ? PowerPolicy.NO_CAP : 500 + f.random().nextInt(9500);
    return new PowerPolicy(
        BigInteger.TEN.pow(f.random().nextInt(19)),
        1 + f.random().nextInt(5),
        1 + f.random().nextInt(60),
        bps);
  }

  /**
   * Weights up to 2^bits: 80 bits stays below MaxTotal × unit for unit ≥ 1e6; 200 bits does not.
   */
  private static int bits(StakeFixtures f) {
    return f.random().nextBoolean() ? 80 : 200;
  }

  @Test
  void deterministicAndIndependentOfInputOrder() {
    for (long seed = 0; seed < RUNS; seed++) {
      StakeFixtures f = new StakeFixtures(seed);
      PowerPolicy policy = randomPolicy(f);
      List<Candidate> cs = f.candidates(f.random().nextInt(80), bits(f));
      PowerResult a = PowerCalculator.compute(cs, policy);
      List<Candidate> shuffled = new ArrayList<>(cs);
      Collections.shuffle(shuffled, f.random());
      PowerResult b = PowerCalculator.compute(shuffled, policy);
      assertThat(b.set()).as("seed %d", seed).isEqualTo(a.set());
      assertThat(b.assignments()).as("seed %d", seed).isEqualTo(a.assignments());
    }
  }

  @Test
  void totalBoundedSizeAndMinimumRespected() {
    forRandomSets(
        (seed, policy, r) -> {
          ValidatorSet set = r.set();
          assertThat(set.totalPower())
              .as("seed %d", seed)
              .isLessThanOrEqualTo(ValidatorSet.MAX_TOTAL_VOTING_POWER);
          assertThat(set.size()).isLessThanOrEqualTo(policy.maxValidators());
          for (Validator v : set.validators()) {
            assertThat(v.power()).as("seed %d", seed).isGreaterThanOrEqualTo(policy.minPower());
          }
          for (PowerAssignment a : r.assignments()) {
            if (a.status() == PowerAssignment.Status.BELOW_MIN_POWER) {
              assertThat(a.scaledPower()).isLessThan(policy.minPower());
            }
          }
        });
  }

  @Test
  void hugeWeightsAreScaledUnderTheBound() {
    StakeFixtures f = new StakeFixtures(7);
    List<Candidate> cs = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      cs.add(new Candidate(f.address(), f.key(), BigInteger.TWO.pow(255)));
    }
    PowerResult r =
        PowerCalculator.compute(cs, new PowerPolicy(BigInteger.ONE, 1, 100, PowerPolicy.NO_CAP));
    assertThat(r.set().size()).isEqualTo(10);
    assertThat(r.set().totalPower()).isLessThanOrEqualTo(ValidatorSet.MAX_TOTAL_VOTING_POWER);
    assertThat(r.set().validators())
        .allSatisfy(v -> assertThat(v.power()).isEqualTo(ValidatorSet.MAX_TOTAL_VOTING_POWER / 10));
  }

  @Test
  void capRespectedWheneverTheSetIsLargeEnough() {
    forRandomSets(
        (seed, policy, r) -> {
          ValidatorSet set = r.set();
          boolean feasible = (long) set.size() * policy.maxPowerBps() >= PowerPolicy.NO_CAP;
          if (set.size() > 0) {
            assertThat(r.capSatisfied()).as("seed %d", seed).isEqualTo(feasible);
          }
          for (Validator v : set.validators()) {
            if (r.capSatisfied()) {
              assertThat(
                      BigInteger.valueOf(v.power())
                          .multiply(BigInteger.valueOf(PowerPolicy.NO_CAP)))
                  .as("seed %d", seed)
                  .isLessThanOrEqualTo(
                      BigInteger.valueOf(policy.maxPowerBps())
                          .multiply(BigInteger.valueOf(set.totalPower())));
            } else {
              assertThat(v.power()).isEqualTo(set.validators().getLast().power());
            }
          }
          for (PowerAssignment a : r.assignments()) {
            assertThat(a.power()).isLessThanOrEqualTo(a.scaledPower());
            if (a.status() == PowerAssignment.Status.VALIDATOR) {
              assertThat(a.power()).isEqualTo(a.scaledPower());
            }
          }
        });
  }

  /**
   * Raising one candidate's weight never lowers its power (in the unscaled regime: ΣW ≤ MaxTotal ×
   * unit, see the README for the rescaled one).
   */
  @Test
  void monotoneInStake() {
    for (long seed = 0; seed < RUNS; seed++) {
      StakeFixtures f = new StakeFixtures(seed);
      PowerPolicy p = randomPolicy(f);
      // unit ≥ 1e9: 60 weights below 2^81 stay under MaxTotal × unit (no rescaling).
      PowerPolicy policy =
          new PowerPolicy(
              BigInteger.TEN.pow(9 + f.random().nextInt(10)),
              p.minPower(),
              p.maxValidators(),
              p.maxPowerBps());
      List<Candidate> cs = f.candidates(1 + f.random().nextInt(60), 80);
      int i = f.random().nextInt(cs.size());
      Candidate c = cs.get(i);
      long before = powerOf(PowerCalculator.compute(cs, policy), c);
      List<Candidate> more = new ArrayList<>(cs);
      more.set(i, new Candidate(c.operator(), c.key(), c.weight().add(f.weight(80))));
      long after = powerOf(PowerCalculator.compute(more, policy), c);
      assertThat(after).as("seed %d", seed).isGreaterThanOrEqualTo(before);
    }
  }

  private static long powerOf(PowerResult r, Candidate c) {
    return r.set().validators().stream()
        .filter(v -> v.pubKey().equals(c.key()))
        .mapToLong(Validator::power)
        .findFirst()
        .orElse(0);
  }

  @Test
  void waterFillingExample() {
    // Powers 60, 30, 5, 5 with a 40 % cap: capping only 60 gives L = 0.4 × 40 / 0.6 = 26 < 30, so
    // both large ones are capped: L = ⌊0.4 × 10 / 0.2⌋ = 20 (total 50, 20 / 50 = 40 %).
    StakeFixtures f = new StakeFixtures(3);
    List<Candidate> cs = new ArrayList<>();
    for (long w : new long[] {60, 30, 5, 5}) {
      cs.add(new Candidate(f.address(), f.key(), BigInteger.valueOf(w).multiply(E18)));
    }
    PowerResult r = PowerCalculator.compute(cs, new PowerPolicy(E18, 1, 10, 4000));
    assertThat(r.set().validators()).extracting(Validator::power).containsExactly(20L, 20L, 5L, 5L);
    assertThat(r.capLevel()).isEqualTo(20);
    assertThat(r.assignments())
        .extracting(PowerAssignment::status)
        .containsExactly(
            PowerAssignment.Status.CAPPED,
            PowerAssignment.Status.CAPPED,
            PowerAssignment.Status.VALIDATOR,
            PowerAssignment.Status.VALIDATOR);
  }

  @Test
  void maxSetKeepsTheLargestAndBreaksTiesByAddress() {
    StakeFixtures f = new StakeFixtures(4);
    List<Candidate> cs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      cs.add(new Candidate(f.address(), f.key(), E18));
    }
    cs.add(new Candidate(f.address(), f.key(), E18.multiply(BigInteger.TWO)));
    cs.add(new Candidate(f.address(), f.key(), E18.divide(BigInteger.TWO)));
    PowerResult r = PowerCalculator.compute(cs, new PowerPolicy(E18, 1, 3, PowerPolicy.NO_CAP));
    assertThat(r.set().validators()).extracting(Validator::power).containsExactly(2L, 1L, 1L);
    List<Candidate> ones =
        cs.subList(0, 5).stream().sorted((a, b) -> a.key().compareTo(b.key())).toList();
    assertThat(r.set().validators().get(1).pubKey()).isEqualTo(ones.get(0).key());
    assertThat(r.set().validators().get(2).pubKey()).isEqualTo(ones.get(1).key());
    assertThat(
            r.assignments().stream()
                .filter(a -> a.status() == PowerAssignment.Status.BELOW_MIN_POWER))
        .hasSize(1);
    assertThat(
            r.assignments().stream()
                .filter(a -> a.status() == PowerAssignment.Status.OUTSIDE_MAX_SET))
        .hasSize(3);
  }

  @Test
  void duplicateKeysAreRefused() {
    StakeFixtures f = new StakeFixtures(5);
    var k = f.key();
    assertThatThrownBy(
            () ->
                PowerCalculator.compute(
                    List.of(new Candidate(f.address(), k, E18), new Candidate(f.address(), k, E18)),
                    PowerPolicy.defaults()))
        .isInstanceOf(ValidatorSetException.class);
  }

  /** What one random case checks: its seed, its policy and the computed result. */
  private interface RandomCase {
    void check(long seed, PowerPolicy policy, PowerResult r);
  }

  /** {@link #RUNS} random cases: candidates and policy drawn from the seed, the result computed. */
  private static void forRandomSets(RandomCase c) {
    for (long seed = 0; seed < RUNS; seed++) {
      StakeFixtures f = new StakeFixtures(seed);
      PowerPolicy policy = randomPolicy(f);
      c.check(
          seed,
          policy,
          PowerCalculator.compute(f.candidates(f.random().nextInt(80), bits(f)), policy));
    }
  }
}
