package io.cvmavs.crypto.bls;

import io.cvmavs.crypto.MalformedEncodingException;
import io.cvmavs.crypto.bn254.Fp;
import io.cvmavs.crypto.bn254.G1Point;
import java.math.BigInteger;

/**
 * EigenLayer's try-and-increment hash to G1 ({@code BN254.hashToG1} in eigenlayer-middleware,
 * {@code MapToCurve} in eigensdk): x = uint256(digest) mod p; repeat β = x³ + 3, y = β^((p+1)/4);
 * accept (x, y) if y² = β, else x = x + 1. The y returned is exactly the exponentiation's output
 * (no sign normalisation), as on chain.
 */
public final class HashToG1 {
  private static final Fp THREE = Fp.of(3);

  private HashToG1() {}

  /**
   * Maps a 32-byte message digest to G1.
   *
   * @throws MalformedEncodingException if the digest is not 32 bytes
   */
  public static G1Point hash(byte[] digest) {
    if (digest.length != 32) {
      throw new MalformedEncodingException("message digest must be 32 bytes, got " + digest.length);
    }
    Fp x = Fp.of(new BigInteger(1, digest));
    while (true) {
      Fp beta = x.square().mul(x).add(THREE);
      Fp y = beta.sqrtCandidate();
      if (y.square().equals(beta)) {
        return G1Point.of(x, y);
      }
      x = x.add(Fp.ONE);
    }
  }
}
