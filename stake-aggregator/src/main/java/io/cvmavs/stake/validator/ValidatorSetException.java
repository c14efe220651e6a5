package io.cvmavs.stake.validator;

import io.cvmavs.stake.StakeException;

/**
 * A validator set or a list of validator updates breaks CometBFT's rules (duplicate key, negative
 * power, total above {@link ValidatorSet#MAX_TOTAL_VOTING_POWER}, removal of an unknown key).
 */
public final class ValidatorSetException extends StakeException {
  public ValidatorSetException(String message) {
    super(message);
  }
}
