package io.cvmavs.operator.signer;

import io.cvmavs.crypto.bn254.G1Point;

/**
 * Signs attestation digests with an operator's BLS key. Wrap with {@link SlashingProtectedSigner}
 * before use.
 */
public interface AttestationSigner {
  /** 0x-prefixed lower-case hex of keccak256(pkG1.x ‖ pkG1.y). */
  String operatorId();

  /** The BLS signature (G1) over {@code request.responseDigest()}. */
  G1Point sign(AttestationRequest request);
}
