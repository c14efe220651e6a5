package io.cvmavs.operator.rewards;

import io.cvmavs.chain.rewards.RewardsSubmission.OperatorReward;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;

/**
 * Splits a period's pool among operators by their share of the stake that signed the period's
 * responded tasks: operator o gets {@code floor(pool × Σ_tasks signed(o) / Σ_tasks Σ_ops signed)}.
 * Operators in {@code excluded} (slashed for the period: the faulty) get nothing and do not count
 * in the denominator, so the honest share the whole pool; a non-signer earns nothing for that task.
 * Rounding dust stays in the pool (it is not submitted). The result is sorted by address (the
 * coordinator requires strictly ascending operators) and has no zero amounts (it refuses those).
 */
public final class RewardSplit {
  private RewardSplit() {}

  public static List<OperatorReward> split(
      BigInteger pool, Collection<SignedTask> tasks, Set<String> excluded) {
    if (pool.signum() < 0) {
      throw new IllegalArgumentException("reward pool must not be negative: " + pool);
    }
    Set<String> out =
        excluded.stream()
            .map(a -> a.toLowerCase(Locale.ROOT))
            .collect(java.util.stream.Collectors.toSet());
    TreeMap<String, BigInteger> weight = new TreeMap<>();
    BigInteger total = BigInteger.ZERO;
    for (SignedTask t : tasks) {
      for (var e : t.signers().entrySet()) {
        String op = e.getKey().toLowerCase(Locale.ROOT);
        if (out.contains(op) || e.getValue().signum() <= 0) {
          continue;
        }
        weight.merge(op, e.getValue(), BigInteger::add);
        total = total.add(e.getValue());
      }
    }
    List<OperatorReward> rewards = new ArrayList<>();
    if (total.signum() == 0) {
      return rewards;
    }
    for (var e : weight.entrySet()) {
      BigInteger amount = pool.multiply(e.getValue()).divide(total);
      if (amount.signum() > 0) {
        rewards.add(new OperatorReward(e.getKey(), amount));
      }
    }
    return rewards;
  }
}
