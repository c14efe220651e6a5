package io.cvmavs.consensus.light;

/**
 * A signed header with the validator sets around it: {@code validators} signed it (may be {@code
 * null} for a trusted block), {@code nextValidators} sign the next height (may be {@code null} for
 * an untrusted block).
 */
public record LightBlock(
    SignedHeader signedHeader, ValidatorSet validators, ValidatorSet nextValidators) {
  public long height() {
    return signedHeader.height();
  }
}
