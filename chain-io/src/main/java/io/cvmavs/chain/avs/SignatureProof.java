package io.cvmavs.chain.avs;

import io.cvmavs.crypto.bn254.G1Point;
import io.cvmavs.crypto.bn254.G2Point;
import java.util.List;

/**
 * {@code ICvmTaskManagerTypes.SignatureProof}: one operator's BLS signature over one response, for
 * {@code raiseSignatureChallenge}. {@code stakeIndices.get(i)}: the operator's checkpoint index in
 * task quorum i at the reference block ({@link SlashingProofBuilder#stakeIndices}).
 */
public record SignatureProof(
    G1Point pubkeyG1, G2Point pubkeyG2, G1Point signature, List<Long> stakeIndices) {
  public SignatureProof {
    stakeIndices = List.copyOf(stakeIndices);
  }
}
