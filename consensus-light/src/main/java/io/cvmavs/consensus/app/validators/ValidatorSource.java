package io.cvmavs.consensus.app.validators;

import io.cvmavs.consensus.app.model.BlsValidatorSet;

/**
 * Where the CVM chain's validator set comes from at each stake epoch: a pure function of Ethereum
 * at the epoch's boundary block, so every validator computes the same set. The proposer proposes it
 * once the chain agreed that block is final; every validator recomputes and compares in
 * ProcessProposal.
 */
public interface ValidatorSource {
  /** The first Ethereum block of {@code epoch}, where its set is read. */
  long boundary(long epoch);

  /** The set of {@code epoch}. */
  BlsValidatorSet epochSet(long epoch);
}
