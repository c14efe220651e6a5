package io.cvmavs.chain.bridge;

import io.cvmavs.chain.ChainException;
import io.cvmavs.crypto.bn254.G1Point;
import java.math.BigInteger;

/**
 * {@code ICvmCheckpointsTypes.ValidatorEntry}: a validator's G1 key and power as the contract
 * stores them (entries sorted by operatorId = keccak256(g1x, g1y) ascending).
 */
public record ValidatorEntry(G1Point g1, BigInteger power) {
  public ValidatorEntry {
    if (g1 == null || power == null || power.signum() <= 0) {
      throw new ChainException("a validator entry needs a G1 key and a power > 0, got " + power);
    }
  }
}
