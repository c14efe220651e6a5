package io.cvmavs.operator.signer;

import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.crypto.bn254.G1Point;
import java.util.HexFormat;

/**
 * Signs with an in-memory BLS key pair (loaded from an encrypted keystore). No protection of its
 * own.
 */
public final class BlsAttestationSigner implements AttestationSigner {
  private final BlsKeyPair key;
  private final String operatorId;

  public BlsAttestationSigner(BlsKeyPair key) {
    this.key = key;
    this.operatorId = "0x" + HexFormat.of().formatHex(key.operatorId());
  }

  @Override
  public String operatorId() {
    return operatorId;
  }

  @Override
  public G1Point sign(AttestationRequest request) {
    return key.sign(request.responseDigest());
  }
}
