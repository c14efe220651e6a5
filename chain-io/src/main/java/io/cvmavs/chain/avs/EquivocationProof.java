package io.cvmavs.chain.avs;

import io.cvmavs.crypto.bn254.G1Point;
import io.cvmavs.crypto.bn254.G2Point;
import java.util.List;

/**
 * {@code ICvmTaskManagerTypes.EquivocationProof}: one operator's signatures over two different
 * responses to one task ({@code signatureA} over response A, {@code signatureB} over B). {@code
 * stakeIndices.get(i)}: its checkpoint index in task quorum i at the reference block.
 */
public record EquivocationProof(
    G1Point pubkeyG1,
    G2Point pubkeyG2,
    G1Point signatureA,
    G1Point signatureB,
    List<Long> stakeIndices) {
  public EquivocationProof {
    stakeIndices = List.copyOf(stakeIndices);
  }
}
