package io.cvmavs.stake.validator;

/**
 * A CometBFT {@code ValidatorUpdate} (ABCI {@code FinalizeBlock} response): set {@code pubKey}'s
 * power, or remove it with power 0.
 */
public record ValidatorUpdate(ConsensusKey pubKey, long power) {
  public ValidatorUpdate {
    if (pubKey == null) {
      throw new ValidatorSetException("validator update without a key");
    }
    if (power < 0) {
      throw new ValidatorSetException("negative power " + power + " in update for " + pubKey);
    }
  }

  public boolean isRemoval() {
    return power == 0;
  }
}
