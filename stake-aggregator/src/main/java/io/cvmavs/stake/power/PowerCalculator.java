package io.cvmavs.stake.power;

import io.cvmavs.stake.power.PowerAssignment.Status;
import io.cvmavs.stake.validator.ConsensusKey;
import io.cvmavs.stake.validator.Validator;
import io.cvmavs.stake.validator.ValidatorSet;
import io.cvmavs.stake.validator.ValidatorSetException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Weights → CometBFT voting powers. Pure and deterministic: the same candidates (in any order) and
 * policy give the same set.
 *
 * <ol>
 *   <li>Scale: {@code p = ⌊W / unit⌋} if {@code ΣW ≤ MaxTotal × unit}, else {@code p = ⌊W ×
 *       MaxTotal / ΣW⌋} (MaxTotal = MaxInt64 / 8), so the total never exceeds MaxTotal.
 *   <li>Drop {@code p < minPower}.
 *   <li>Order by p desc, address asc; keep the first {@code maxValidators}.
 *   <li>Cap (water filling on integers): the smallest k such that capping the k largest at {@code L
 *       = ⌊bps × R / (10000 − k × bps)⌋} (R = sum of the others) leaves every other power ≤ L; then
 *       {@code L × 10000 ≤ bps × total} holds exactly.
 * </ol>
 */
public final class PowerCalculator {
  private static final BigInteger MAX_TOTAL =
      BigInteger.valueOf(ValidatorSet.MAX_TOTAL_VOTING_POWER);

  private PowerCalculator() {}

  public static PowerResult compute(List<Candidate> candidates, PowerPolicy policy) {
    Set<ConsensusKey> keys = new HashSet<>();
    for (Candidate c : candidates) {
      if (!keys.add(c.key())) {
        throw new ValidatorSetException("two candidates share the consensus key " + c.key());
      }
    }
    BigInteger total = BigInteger.ZERO;
    for (Candidate c : candidates) {
      total = total.add(c.weight());
    }
    boolean rescale = total.compareTo(MAX_TOTAL.multiply(policy.unitWei())) > 0;

    record Scaled(Candidate candidate, long power) {}
    List<Scaled> scaled = new ArrayList<>(candidates.size());
    for (Candidate c : candidates) {
      BigInteger p =
          rescale
              ? c.weight().multiply(MAX_TOTAL).divide(total)
              : c.weight().divide(policy.unitWei());
      scaled.add(new Scaled(c, p.longValueExact()));
    }
    scaled.sort(
        Comparator.comparingLong(Scaled::power).reversed().thenComparing(s -> s.candidate().key()));

    List<PowerAssignment> out = new ArrayList<>(scaled.size());
    List<Scaled> members = new ArrayList<>();
    for (Scaled s : scaled) {
      if (s.power() < policy.minPower()) {
        out.add(new PowerAssignment(s.candidate(), s.power(), 0, Status.BELOW_MIN_POWER));
      } else if (members.size() >= policy.maxValidators()) {
        out.add(new PowerAssignment(s.candidate(), s.power(), 0, Status.OUTSIDE_MAX_SET));
      } else {
        members.add(s);
        out.add(null); // filled after capping
      }
    }

    long[] powers = members.stream().mapToLong(Scaled::power).toArray();
    long[] capped = powers.clone();
    CapOutcome cap = cap(capped, policy.maxPowerBps());

    List<Validator> validators = new ArrayList<>(members.size());
    int m = 0;
    for (int i = 0; i < out.size(); i++) {
      if (out.get(i) == null) {
        Scaled s = members.get(m);
        long p = capped[m];
        Status status = p < powers[m] ? Status.CAPPED : Status.VALIDATOR;
        out.set(i, new PowerAssignment(s.candidate(), s.power(), p, status));
        validators.add(new Validator(s.candidate().key(), p));
        m++;
      }
    }
    return new PowerResult(ValidatorSet.of(validators), List.copyOf(out), cap.level, cap.satisfied);
  }

  private record CapOutcome(long level, boolean satisfied) {}

  /**
   * Caps {@code p} (sorted descending) in place so that every entry is at most {@code bps / 10000}
   * of the total.
   */
  static CapOutcome cap(long[] p, int bps) {
    int n = p.length;
    if (bps >= PowerPolicy.NO_CAP || n == 0) {
      return new CapOutcome(Long.MAX_VALUE, true);
    }
    long[] suffix = new long[n + 1];
    for (int i = n - 1; i >= 0; i--) {
      suffix[i] = suffix[i + 1] + p[i];
    }
    for (int k = 0; k < n; k++) {
      long denominator = PowerPolicy.NO_CAP - (long) k * bps;
      if (denominator <= 0) {
        break;
      }
      long level =
          BigInteger.valueOf(bps)
              .multiply(BigInteger.valueOf(suffix[k]))
              .divide(BigInteger.valueOf(denominator))
              .longValue();
      if (p[k] <= level) {
        // p[k-1] > level always holds (else k-1 would have passed); min() only guards the proof.
        for (int i = 0; i < k; i++) {
          p[i] = Math.min(p[i], level);
        }
        return new CapOutcome(k == 0 ? Long.MAX_VALUE : level, true);
      }
    }
    long smallest = p[n - 1];
    for (int i = 0; i < n; i++) {
      p[i] = smallest;
    }
    return new CapOutcome(smallest, false);
  }
}
