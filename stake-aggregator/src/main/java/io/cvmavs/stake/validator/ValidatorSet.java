package io.cvmavs.stake.validator;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An immutable CometBFT validator set in canonical order: voting power descending, then address
 * (first 20 bytes of SHA-256(pubkey)) ascending. Every power is positive, keys are unique and the
 * total is at most {@link #MAX_TOTAL_VOTING_POWER}.
 */
public final class ValidatorSet {
  /** CometBFT's {@code MaxTotalVotingPower}: MaxInt64 / 8. */
  public static final long MAX_TOTAL_VOTING_POWER = Long.MAX_VALUE / 8;

  /** CometBFT's canonical validator order. */
  public static final Comparator<Validator> CANONICAL =
      Comparator.comparingLong(Validator::power).reversed().thenComparing(Validator::pubKey);

  private static final ValidatorSet EMPTY = new ValidatorSet(List.of(), 0);

  private final List<Validator> validators;
  private final long totalPower;

  private ValidatorSet(List<Validator> validators, long totalPower) {
    this.validators = validators;
    this.totalPower = totalPower;
  }

  public static ValidatorSet empty() {
    return EMPTY;
  }

  /**
   * The set of {@code validators}, sorted canonically.
   *
   * @throws ValidatorSetException on a zero power, a duplicate key or a total above the maximum
   */
  public static ValidatorSet of(Collection<Validator> validators) {
    Set<ConsensusKey> seen = new HashSet<>();
    long total = 0;
    for (Validator v : validators) {
      if (v.power() == 0) {
        throw new ValidatorSetException("validator " + v.pubKey() + " has power 0");
      }
      if (!seen.add(v.pubKey())) {
        throw new ValidatorSetException("duplicate validator " + v.pubKey());
      }
      total += v.power();
      if (total > MAX_TOTAL_VOTING_POWER || total < 0) {
        throw new ValidatorSetException(
            "total voting power exceeds MaxTotalVotingPower " + MAX_TOTAL_VOTING_POWER);
      }
    }
    List<Validator> sorted = new ArrayList<>(validators);
    sorted.sort(CANONICAL);
    return new ValidatorSet(List.copyOf(sorted), total);
  }

  /** Validators in canonical order. */
  public List<Validator> validators() {
    return validators;
  }

  public long totalPower() {
    return totalPower;
  }

  public int size() {
    return validators.size();
  }

  /** Key → power, in canonical order. */
  public Map<ConsensusKey, Long> powers() {
    Map<ConsensusKey, Long> m = new LinkedHashMap<>();
    validators.forEach(v -> m.put(v.pubKey(), v.power()));
    return m;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ValidatorSet s && validators.equals(s.validators);
  }

  @Override
  public int hashCode() {
    return validators.hashCode();
  }

  @Override
  public String toString() {
    return "ValidatorSet" + validators;
  }
}
