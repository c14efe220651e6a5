package io.cvmavs.consensus.app.validators;

import io.cvmavs.crypto.bn254.G1Point;
import io.cvmavs.crypto.bn254.G2Point;
import java.util.Optional;

/** The BLS public keys an operator registered in the AVS registry, as of an Ethereum block. */
@FunctionalInterface
public interface BlsKeyDirectory {
  record BlsPublicKeys(G1Point g1, G2Point g2) {}

  Optional<BlsPublicKeys> keysOf(String operator, long block);
}
