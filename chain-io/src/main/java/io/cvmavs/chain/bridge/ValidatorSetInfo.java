package io.cvmavs.chain.bridge;

import io.cvmavs.crypto.bn254.G1Point;
import java.math.BigInteger;

/**
 * {@code ICvmCheckpointsTypes.ValidatorSetInfo} of one committed set.
 *
 * @param apk the sum of every entry's G1 key
 * @param startHeight the first CVM chain height this set signs
 */
public record ValidatorSetInfo(
    long setId, byte[] hash, G1Point apk, BigInteger totalPower, long startHeight, int size) {
  public ValidatorSetInfo {
    hash = hash.clone();
  }

  @Override
  public byte[] hash() {
    return hash.clone();
  }
}
