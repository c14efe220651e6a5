package io.cvmavs.cvm.block;

/**
 * What a CVM block was computed from: the chain, the block range (inclusive) and the source data
 * root of that range ({@link io.cvmavs.cvm.ingest.SourceCommitment}).
 */
public record InputCommitment(String chain, long fromBlock, long toBlock, byte[] sourceRoot) {
  public InputCommitment {
    sourceRoot = sourceRoot.clone();
  }

  @Override
  public byte[] sourceRoot() {
    return sourceRoot.clone();
  }
}
