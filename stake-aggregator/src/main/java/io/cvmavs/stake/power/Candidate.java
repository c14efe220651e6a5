package io.cvmavs.stake.power;

import io.cvmavs.stake.validator.ConsensusKey;
import java.math.BigInteger;

/**
 * An operator that may become a validator.
 *
 * @param operator the operator's Ethereum address (lower-case, 0x-prefixed)
 * @param key its ed25519 consensus key
 * @param weight its voting weight in weighted {@code $C} wei (18 decimals): the stake formula of
 *     the module README, before any normalisation; must not be negative
 */
public record Candidate(String operator, ConsensusKey key, BigInteger weight) {
  public Candidate {
    if (weight.signum() < 0) {
      throw new IllegalArgumentException("negative weight for " + operator);
    }
  }
}
