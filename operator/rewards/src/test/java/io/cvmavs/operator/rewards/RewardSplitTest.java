package io.cvmavs.operator.rewards;

import static org.assertj.core.api.Assertions.assertThat;

import io.cvmavs.chain.rewards.RewardsSubmission.OperatorReward;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RewardSplitTest {
  private static final String A = "0x00000000000000000000000000000000000000a1";
  private static final String B = "0x00000000000000000000000000000000000000b2";
  private static final String F = "0x00000000000000000000000000000000000000f3";

  private static BigInteger e(long ether) {
    return BigInteger.TEN.pow(18).multiply(BigInteger.valueOf(ether));
  }

  @Test
  void splitsBySignedStakeAndTheFaultyGetsNothing() {
    List<SignedTask> tasks =
        List.of(
            new SignedTask(0, 100, Map.of(A, e(100), B, e(50), F, e(50))),
            new SignedTask(1, 101, Map.of(A, e(100), F, e(50))), // B missed task 1
            new SignedTask(2, 102, Map.of(A, e(100), B, e(50), F, e(50))));
    List<OperatorReward> r = RewardSplit.split(e(8), tasks, Set.of(F.toUpperCase()));
    // A signed 300, B 100 of the honest 400.
    assertThat(r).containsExactly(new OperatorReward(A, e(6)), new OperatorReward(B, e(2)));
  }

  @Test
  void sortedByAddressWithoutZeroAmounts() {
    List<SignedTask> tasks =
        List.of(new SignedTask(0, 1, Map.of(B, BigInteger.ONE, A, BigInteger.valueOf(1_000_000))));
    List<OperatorReward> r = RewardSplit.split(BigInteger.valueOf(1000), tasks, Set.of());
    assertThat(r).containsExactly(new OperatorReward(A, BigInteger.valueOf(999)));
  }

  @Test
  void nothingWhenNobodySigned() {
    assertThat(RewardSplit.split(e(1), List.of(), Set.of())).isEmpty();
    assertThat(RewardSplit.split(e(1), List.of(new SignedTask(0, 1, Map.of(F, e(1)))), Set.of(F)))
        .isEmpty();
  }

  /** Random splits: never more than the pool, dust below one unit per operator, shares ordered. */
  @Test
  void randomSplitsNeverExceedThePool() {
    Random rnd = new Random(21);
    for (int run = 0; run < 500; run++) {
      BigInteger pool = new BigInteger(80, rnd);
      BigInteger a = new BigInteger(70, rnd).add(BigInteger.ONE);
      BigInteger b = new BigInteger(70, rnd).add(BigInteger.ONE);
      List<OperatorReward> r =
          RewardSplit.split(pool, List.of(new SignedTask(0, 1, Map.of(A, a, B, b))), Set.of());
      BigInteger sum =
          r.stream().map(OperatorReward::amount).reduce(BigInteger.ZERO, BigInteger::add);
      assertThat(sum).isLessThanOrEqualTo(pool);
      assertThat(pool.subtract(sum)).isLessThan(BigInteger.TWO);
      for (OperatorReward x : r) {
        BigInteger w = x.operator().equals(A) ? a : b;
        assertThat(x.amount()).isEqualTo(pool.multiply(w).divide(a.add(b)));
      }
    }
  }
}
