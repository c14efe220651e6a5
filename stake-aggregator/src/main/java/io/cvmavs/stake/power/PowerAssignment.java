package io.cvmavs.stake.power;

/**
 * What became of one candidate.
 *
 * @param scaledPower weight converted to power units (after rescaling for the total bound)
 * @param power final voting power (0 unless {@link Status#VALIDATOR} or {@link Status#CAPPED})
 */
public record PowerAssignment(Candidate candidate, long scaledPower, long power, Status status) {
  public enum Status {
    /** In the set with its scaled power. */
    VALIDATOR,
    /** In the set, power reduced to the per-validator cap. */
    CAPPED,
    /** Scaled power below the minimum power. */
    BELOW_MIN_POWER,
    /** Not among the largest {@code maxValidators}. */
    OUTSIDE_MAX_SET
  }

  public boolean inSet() {
    return status == Status.VALIDATOR || status == Status.CAPPED;
  }
}
