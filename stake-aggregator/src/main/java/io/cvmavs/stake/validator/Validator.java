package io.cvmavs.stake.validator;

/** One CometBFT validator: ed25519 key and voting power (int64, > 0 in a set). */
public record Validator(ConsensusKey pubKey, long power) {
  public Validator {
    if (pubKey == null) {
      throw new ValidatorSetException("validator without a key");
    }
    if (power < 0) {
      throw new ValidatorSetException("negative power " + power + " for " + pubKey);
    }
  }
}
