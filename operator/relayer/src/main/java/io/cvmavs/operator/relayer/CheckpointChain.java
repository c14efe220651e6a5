package io.cvmavs.operator.relayer;

import io.cvmavs.chain.bridge.ValidatorEntry;
import java.util.List;

/** What the relayer reads from and sends to {@code CvmCheckpoints} on Ethereum. */
public interface CheckpointChain {
  /** The last accepted height. */
  long latestHeight();

  /** The set the next checkpoint is checked against. */
  CommittedSet committedSet();

  /** The set hash a rotation must match; 32 zero bytes when none is pending. */
  byte[] pendingSetHash();

  /** keccak256 of the CVM chain id string the contract was deployed with. */
  byte[] cvmChainId();

  /** True while a transaction of this relayer's account is still in the pool. */
  boolean hasPending();

  /**
   * Sends {@code submitCheckpoint}; returns the gas used.
   *
   * @throws io.cvmavs.chain.ChainException.Reverted when the contract refuses it (estimation or
   *     mined)
   */
  long submit(CertificateCheck.Verified checkpoint);

  /** Sends {@code rotateValidatorSet}; returns the gas used. */
  long rotate(List<ValidatorEntry> entries);
}
