package io.cvmavs.stake.power;

import io.cvmavs.stake.validator.ValidatorSet;
import java.util.List;

/**
 * The validator set and, per candidate, how its power was derived.
 *
 * @param assignments one per candidate, in canonical order of scaled power (desc, address asc)
 * @param capLevel the power every capped validator got ({@code Long.MAX_VALUE} if none was capped)
 * @param capSatisfied false when the set is too small for the cap (fewer than 10000 / maxPowerBps
 *     validators): every validator then gets the smallest power, the closest to the cap possible
 */
public record PowerResult(
    ValidatorSet set, List<PowerAssignment> assignments, long capLevel, boolean capSatisfied) {}
