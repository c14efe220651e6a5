package io.cvmavs.consensus.app.model;

import io.cvmavs.crypto.bls.Bls;
import io.cvmavs.crypto.bn254.G1Point;
import io.cvmavs.crypto.bn254.G2Point;
import io.cvmavs.stake.validator.ConsensusKey;

/**
 * One validator of the CVM chain: its CometBFT Ed25519 consensus key (as {@code CStaking} binds it
 * to the operator), its BN254 BLS public keys (as registered in the AVS registry) and its voting
 * power (the same power CometBFT uses).
 */
public record BlsValidator(ConsensusKey consensusKey, G1Point g1, G2Point g2, long power) {
  public BlsValidator {
    if (consensusKey == null || g1 == null || g2 == null) {
      throw new AppException("a validator needs a consensus key and both BLS public keys");
    }
    if (power <= 0) {
      throw new AppException(
          "validator " + consensusKey + " has power " + power + " (must be > 0)");
    }
    g1.requireNotInfinity("BLS public key (G1) of " + consensusKey);
    g2.requireNotInfinity("BLS public key (G2) of " + consensusKey);
  }

  /** keccak256(abi.encode(g1x, g1y)), as the AVS registry computes an operator id. */
  public byte[] operatorId() {
    return Bls.operatorId(g1);
  }
}
