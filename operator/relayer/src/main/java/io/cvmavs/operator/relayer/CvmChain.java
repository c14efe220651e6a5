package io.cvmavs.operator.relayer;

import io.cvmavs.chain.bridge.ValidatorEntry;
import java.util.List;
import java.util.Optional;

/** What the relayer reads from the CVM chain (STYLE 5: the narrow interface where it is used). */
public interface CvmChain {
  /** The CometBFT chain id string (whose keccak256 the contract holds as {@code cvmChainId}). */
  String chainId();

  /** The latest committed height; certificates exist up to one below it. */
  long latestHeight();

  /**
   * The certificate of height {@code h}, empty when the chain has none for it (no > 2/3 of vote
   * extensions at h).
   *
   * @throws RelayerException.Refused when the answer is malformed
   */
  Optional<RelayCertificate> certificate(long h);

  /**
   * The BLS sets the chain reports now (current and next, in the contract's entry shape), where a
   * rotation's entries are looked up by hash.
   */
  List<List<ValidatorEntry>> blsSets();

  /**
   * The app's {@code /misbehaviour/<from>/<checkpointHeight>} answer (consensus-light
   * MisbehaviourProofs): the proof of the misbehaviour leaf against the checkpoint of {@code
   * checkpointHeight} and the records from {@code from}; empty when the state that checkpoint signs
   * holds no misbehaviour.
   */
  Optional<com.fasterxml.jackson.databind.JsonNode> misbehaviour(long from, long checkpointHeight);
}
