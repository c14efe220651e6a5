package io.cvmavs.consensus.devnet;

import io.cvmavs.consensus.app.engine.CvmEngine;
import io.cvmavs.cvm.block.CvmBlock;
import io.cvmavs.cvm.block.CvmBlockHeader;

/**
 * Fault injection for the devnet's byzantine validator ({@code devnet --faulty K}) and the chain
 * IT: the honest CVM block with its header timestamp moved by one second. Every check that needs no
 * re-execution passes (dataset roots recomputed from the records, parent hash, state root, range),
 * so only the other validators' own CVM blocks in ProcessProposal catch it: they REJECT and the
 * next round's proposer proposes the honest block.
 */
public final class FaultyEngine implements CvmEngine {
  private final CvmEngine honest;

  public FaultyEngine(CvmEngine honest) {
    this.honest = honest;
  }

  @Override
  public CvmBlock block(byte[] manuscriptHash, long height, long fromBlock, long toBlock) {
    return wrong(honest.block(manuscriptHash, height, fromBlock, toBlock));
  }

  @Override
  public java.util.Optional<CvmBlock> ready(
      byte[] manuscriptHash, long height, long fromBlock, long toBlock) {
    return honest.ready(manuscriptHash, height, fromBlock, toBlock).map(FaultyEngine::wrong);
  }

  private static CvmBlock wrong(CvmBlock right) {
    CvmBlockHeader h = right.header();
    return new CvmBlock(
        new CvmBlockHeader(
            h.height(),
            h.parentHash(),
            h.input(),
            h.manuscriptHash(),
            h.datasets(),
            h.stateRoot(),
            h.timestamp() + 1),
        right.datasets());
  }
}
