package io.cvmavs.chain.rewards;

import java.math.BigInteger;
import java.util.List;

/**
 * EigenLayer's {@code RewardsMerkleClaim}: the earner leaf (earner, root of its token tree) with
 * its proof in the distribution tree of root {@code rootIndex}, and per token the token leaf with
 * its proof in the earner's token tree. Proofs are concatenated 32-byte siblings, bottom up.
 */
public record RewardsClaim(
    long rootIndex,
    long earnerIndex,
    byte[] earnerProof,
    String earner,
    byte[] earnerTokenRoot,
    List<TokenClaim> tokens) {

  public RewardsClaim {
    tokens = List.copyOf(tokens);
  }

  /** One token leaf and its proof in the earner's token tree. */
  public record TokenClaim(
      long leafIndex, byte[] proof, String token, BigInteger cumulativeEarnings) {}
}
