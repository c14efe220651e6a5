package io.cvmavs.chain.avs;

import io.cvmavs.crypto.bn254.G1Point;
import io.cvmavs.crypto.bn254.G2Point;
import java.util.List;

/**
 * {@code ICvmTaskManagerTypes.NonSignerStakesAndSignature}: the aggregate signature with its
 * checkpoint hints. Non-signer keys are sorted by operatorId ascending; per-quorum lists follow
 * {@code task.quorumNumbers}; {@code nonSignerStakeIndices.get(i).get(j)} is non-signer j's
 * checkpoint index in quorum i.
 */
public record NonSignerStakesAndSignature(
    List<G1Point> nonSignerPubkeys,
    List<G1Point> quorumApks,
    G2Point apkG2,
    G1Point sigma,
    List<Long> quorumApkIndices,
    List<Long> totalStakeIndices,
    List<List<Long>> nonSignerStakeIndices) {
  public NonSignerStakesAndSignature {
    nonSignerPubkeys = List.copyOf(nonSignerPubkeys);
    quorumApks = List.copyOf(quorumApks);
    quorumApkIndices = List.copyOf(quorumApkIndices);
    totalStakeIndices = List.copyOf(totalStakeIndices);
    nonSignerStakeIndices = nonSignerStakeIndices.stream().map(List::copyOf).toList();
  }
}
