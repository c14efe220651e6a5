package io.cvmavs.consensus.app.engine;

import io.cvmavs.cvm.block.CvmBlock;

/**
 * The CVM's "Engine API" as the CVM chain application uses it: the CVM block of a manuscript at a
 * height, over an Ethereum block range that the chain already agreed is final. The proposer calls
 * it in PrepareProposal; every validator calls it in ProcessProposal and compares. Calls may be
 * slow (a Flink job); they are never made from FinalizeBlock.
 */
@FunctionalInterface
public interface CvmEngine {
  /**
   * @param manuscriptHash keccak256 of the manuscript file
   * @param height the manuscript's CVM block height (0, 1, ...)
   * @param fromBlock first Ethereum block of the range
   * @param toBlock last Ethereum block of the range (at most the agreed final height)
   * @throws io.cvmavs.cvm.CvmException (or a subclass) when the block cannot be built
   */
  CvmBlock block(byte[] manuscriptHash, long height, long fromBlock, long toBlock);

  /**
   * The same block, but only if it can be had without waiting for a build: what a proposer's
   * PrepareProposal asks (CometBFT's proposer must answer within its timeout; a block that is not
   * ready is proposed at a later height). Empty when not ready. The default builds it.
   */
  default java.util.Optional<CvmBlock> ready(
      byte[] manuscriptHash, long height, long fromBlock, long toBlock) {
    return java.util.Optional.of(block(manuscriptHash, height, fromBlock, toBlock));
  }
}
